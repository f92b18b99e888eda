import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** A loopback HTTP server that plays a script of answers and records what it was sent. */
export class LoopbackServer {
  readonly received: { method: string; url: string; body: string; at: number }[] = [];
  private readonly script: Answer[] = [];
  private readonly server = createServer((request, response) => this.handle(request, response));
  baseUrl = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next answers, in order; once spent, every request gets the last one. */
  play(...answers: Answer[]): void {
    this.script.splice(0, this.script.length, ...answers);
    this.received.length = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const answer = (this.script.length > 1 ? this.script.shift() : this.script[0]) ?? {
        status: 500,
      };
      const problem = answer.status >= 400;
      response.writeHead(answer.status, {
        'content-type': problem ? 'application/problem+json' : 'application/json',
        ...answer.headers,
      });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  }
}

export function problem(status: number, code: string, extra: object = {}): object {
  return {
    type: `urn:keyhouse:problem:${code}`,
    title: code,
    status,
    detail: `detail of ${code}`,
    code,
    requestId: 'req-1',
    ...extra,
  };
}
