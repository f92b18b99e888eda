import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

type ProxyMode = 'open' | 'refusing' | 'stalled';

interface Pair {
  readonly client: Socket;
  upstream?: Socket;
}

/**
 * A loopback TCP proxy in front of Postgres that a test can break in the two ways a database
 * goes away, without stopping the shared cluster:
 * - `cut()`: every connection is reset and new ones are refused (a crash, a failover);
 * - `stall()`: connections are accepted but nothing flows either way (a network partition, a
 *   frozen host). Bytes already sent wait in the sockets and flow again on `restore()`, as
 *   they would once a partition heals.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private server?: Server;
  private mode: ProxyMode = 'open';

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => {
      if (this.mode === 'refusing') {
        client.destroy();
        return;
      }
      const pair: Pair = { client };
      this.pairs.add(pair);
      client.on('error', () => client.destroy());
      client.on('close', () => {
        pair.upstream?.destroy();
        this.pairs.delete(pair);
      });
      if (this.mode === 'stalled') {
        client.pause();
        return; // Connected on restore().
      }
      this.connectUpstream(pair);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.mode = 'refusing';
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
  }

  /** Accepts connections but lets nothing through, in either direction, until restore(). */
  stall(): void {
    this.mode = 'stalled';
    for (const { client, upstream } of this.pairs) {
      client.unpipe();
      upstream?.unpipe();
      client.pause();
      upstream?.pause();
    }
  }

  restore(): void {
    const wasStalled = this.mode === 'stalled';
    this.mode = 'open';
    if (!wasStalled) {
      return;
    }
    for (const pair of this.pairs) {
      if (pair.upstream) {
        pair.client.pipe(pair.upstream);
        pair.upstream.pipe(pair.client);
      } else {
        this.connectUpstream(pair);
      }
    }
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private connectUpstream(pair: Pair): void {
    const upstream = connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => upstream.destroy());
    upstream.on('close', () => pair.client.destroy());
    pair.client.pipe(upstream).pipe(pair.client);
  }
}

/** Rewrites a postgres URL to go through the proxy's port. */
export function throughProxy(databaseUrl: string, proxyPort: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxyPort);
  return url.toString();
}
