import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

type Mode = 'open' | 'refusing' | 'stalled';

/**
 * A loopback TCP proxy in front of Postgres that a test can cut, stall and restore, to see
 * how the gateway behaves while its database is unreachable (without stopping the shared
 * cluster). Cut: connections are dropped and new ones closed at once. Stalled: connections
 * are accepted and kept, but nothing is forwarded either way (a frozen server, a network
 * partition); restoring delivers what was held back, in order.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly held: (() => void)[] = [];
  private server?: Server;
  private mode: Mode = 'open';

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
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      this.forward(client, upstream);
      this.forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.mode = 'refusing';
    this.held.length = 0;
    for (const socket of this.sockets) {
      socket.destroy();
    }
  }

  /** Accepts connections but answers nothing, on new and existing ones alike. */
  stall(): void {
    this.mode = 'stalled';
  }

  restore(): void {
    this.mode = 'open';
    for (const deliver of this.held.splice(0)) {
      deliver();
    }
  }

  /** Connections open through the proxy right now (each counted once, client side). */
  get connectionCount(): number {
    return this.sockets.size / 2;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      const deliver = () => {
        if (!to.destroyed) {
          to.write(chunk);
        }
      };
      if (this.mode === 'stalled' || this.held.length > 0) {
        this.held.push(deliver);
      } else {
        deliver();
      }
    });
  }
}

/** Rewrites a postgres URL to go through the proxy's port. */
export function throughProxy(databaseUrl: string, proxyPort: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxyPort);
  return url.toString();
}
