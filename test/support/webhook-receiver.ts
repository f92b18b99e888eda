import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
  readonly receivedAt: number;
  /** Which of the receiver's secrets verified it (indexes into `secrets`). */
  readonly verifiedWith: number[];
}

/** How the receiver answers: 200, a status of its choosing, or never (until closed). */
export type ReceiverMode =
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'hang' };

/**
 * A product team's webhook receiver on loopback: it verifies every delivery with the
 * `standardwebhooks` reference package against each secret it knows, records it, and can
 * go down and come back on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  secrets: string[] = [];
  mode: ReceiverMode = { kind: 'ok' };
  private server?: Server;
  private port = 0;
  private readonly hanging = new Set<() => void>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(port = this.port): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({
          id: header(request.headers, 'webhook-id'),
          timestamp: header(request.headers, 'webhook-timestamp'),
          signature: header(request.headers, 'webhook-signature'),
          body,
          receivedAt: Date.now(),
          verifiedWith: this.secrets
            .map((secret, index) => (verifies(secret, request.headers, body) ? index : -1))
            .filter((index) => index >= 0),
        });
        const mode = this.mode;
        switch (mode.kind) {
          case 'ok':
            response.writeHead(200).end('ok');
            return;
          case 'status':
            response.writeHead(mode.status).end('no');
            return;
          case 'hang':
            this.hanging.add(() => response.destroy());
            return;
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  /** Goes down: stops listening and drops open connections. */
  async stop(): Promise<void> {
    for (const drop of this.hanging) {
      drop();
    }
    this.hanging.clear();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Deliveries of one event (by webhook-id). */
  deliveriesOf(eventId: string): ReceivedDelivery[] {
    return this.received.filter((delivery) => delivery.id === eventId);
  }
}

function verifies(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  try {
    new Webhook(secret).verify(body, {
      'webhook-id': header(headers, 'webhook-id'),
      'webhook-timestamp': header(headers, 'webhook-timestamp'),
      'webhook-signature': header(headers, 'webhook-signature'),
    });
    return true;
  } catch {
    return false;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
