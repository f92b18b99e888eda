import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type {
  FakeOptions,
  FakeRequest,
  FakeResponse,
  HttpMethod,
  RecordedRequest,
  Route,
} from './fake-http';
import { type ReadBody, readBody, toFakeRequest, writeResponse } from './http-wire';
import {
  type FailNextOptions,
  FaultInjector,
  type HangNextOptions,
  type InjectedFailure,
  type RequestMatcher,
} from './fault-injector';

const MAX_RECORDED_REQUESTS = 10_000;

/**
 * A real HTTP server on loopback with a tiny exact-path router, request recording and fault
 * injection. Subclasses supply the routes and the provider's error shape.
 */
/** Whether fixed latency delays the work or only its answer. */
export type LatencyPlacement = 'before-processing' | 'after-processing';

export abstract class FakeServer {
  private latencyPlacement: LatencyPlacement = 'before-processing';
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new FaultInjector();
  private readonly sockets = new Set<Socket>();
  private readonly pendingDelays = new Set<() => void>();
  private readonly log?: (message: string) => void;
  private readonly clock: () => number;
  private server?: Server;
  private url?: string;
  private stopping = false;

  protected constructor(
    private readonly name: string,
    options: FakeOptions,
  ) {
    this.log = options.log;
    this.clock = options.now ?? Date.now;
  }

  /** Epoch milliseconds on the fake's clock. */
  protected now(): number {
    return this.clock();
  }

  /** Whole seconds on the fake's clock, as JWT claims count them. */
  protected nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  /** The routes this fake serves; anything else is a 404 in the provider's shape. */
  protected abstract routes(): readonly Route[];

  /** The provider's own error answer for a status (also used for injected failures). */
  protected abstract errorResponse(status: number, message: string): FakeResponse;

  /** Sees every request before faults apply: the place to count what reached the wire. */
  protected onReceived(request: FakeRequest): void {
    void request;
  }

  /** Clears the subclass's counters (not its tokens) on reset(). */
  protected resetCounters(): void {}

  get baseUrl(): string {
    if (this.url === undefined) {
      throw new Error(`${this.name} is not started`);
    }
    return this.url;
  }

  async start(port = 0): Promise<string> {
    if (this.server !== undefined) {
      throw new Error(`${this.name} is already started`);
    }
    this.stopping = false;
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.log?.(`${this.name}: request failed: ${String(error)}`);
        response.destroy();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.log?.(`${this.name} listening on ${this.url}`);
    return this.url;
  }

  /** Closes at once: open keep-alive sockets are destroyed and hanging requests dropped. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) {
      return;
    }
    this.stopping = true;
    for (const release of [...this.pendingDelays]) {
      release();
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await closed;
    this.server = undefined;
    this.url = undefined;
  }

  /** Answers the next matching request(s) with this status instead of the real logic. */
  failNext(options: FailNextOptions): void {
    this.faults.failNext(options);
  }

  /** Delays the next matching request(s) by `ms`, then answers normally. */
  hangNext(options: HangNextOptions): void {
    this.faults.hangNext(options);
  }

  /**
   * Adds fixed latency to every response. `before-processing` (the default) models a slow
   * network on the way in: a caller that gives up meanwhile is never processed. With
   * `after-processing` the work is done on arrival and only the answer is slow, as with an
   * upstream that rotated a token whose answer then never reached a caller that died.
   */
  setLatency(ms: number, when: LatencyPlacement = 'before-processing'): void {
    this.faults.setLatency(ms);
    this.latencyPlacement = when;
  }

  requestsTo(path: string, method?: HttpMethod): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.path === path && (method === undefined || request.method === method),
    );
  }

  clearRecords(): void {
    this.requests.length = 0;
  }

  /** Clears faults, records and counters; issued tokens stay valid. */
  reset(): void {
    this.faults.reset();
    this.latencyPlacement = 'before-processing';
    this.clearRecords();
    this.resetCounters();
  }

  protected injectFailure(options: FailNextOptions, match?: RequestMatcher): void {
    this.faults.failNext(options, match);
  }

  private async handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const body = await readBody(incoming);
    const request = toFakeRequest(incoming, body.buffer, this.now());
    this.requests.push(request.recorded);
    // Bounded, since the sandbox also runs inside a long-lived `npm start`.
    if (this.requests.length > MAX_RECORDED_REQUESTS) {
      this.requests.splice(0, this.requests.length - MAX_RECORDED_REQUESTS);
    }
    this.onReceived(request);
    // Taken on arrival, so concurrent requests meet the faults in the order they came in.
    const delayMs = this.faults.takeDelay(request);
    const failure = this.faults.takeFailure(request);
    if (this.latencyPlacement === 'after-processing') {
      const processed =
        failure !== undefined ? this.failureResponse(failure) : this.route(request, body);
      await this.delay(delayMs);
      if (!incoming.socket.destroyed) {
        writeResponse(outgoing, processed);
      }
      return;
    }
    if (delayMs > 0) {
      await this.delay(delayMs);
    }
    if (this.stopping || incoming.socket.destroyed) {
      // The caller gave up (or we are stopping): like an upstream that never got to it,
      // the request is not processed, so no token is consumed.
      this.log?.(`${this.name} ${request.method} ${request.path} abandoned`);
      outgoing.destroy();
      return;
    }
    const response =
      failure !== undefined ? this.failureResponse(failure) : this.route(request, body);
    writeResponse(outgoing, response);
    this.log?.(`${this.name} ${request.method} ${request.path} -> ${response.status}`);
  }

  private route(request: FakeRequest, body: ReadBody): FakeResponse {
    if (body.tooLarge) {
      return this.errorResponse(413, 'Request body too large');
    }
    if (!Buffer.from(request.rawBody, 'utf8').equals(body.buffer)) {
      return this.errorResponse(400, 'Request body is not valid UTF-8');
    }
    const route = this.routes().find((candidate) => candidate.path === request.path);
    if (route === undefined) {
      return this.errorResponse(404, 'Not found');
    }
    const handler = route.methods[request.method as HttpMethod];
    if (handler === undefined) {
      const response = this.errorResponse(405, 'Method not allowed');
      const allow = Object.keys(route.methods).join(', ');
      return { ...response, headers: { ...response.headers, Allow: allow } };
    }
    try {
      return handler(request);
    } catch (error) {
      this.log?.(`${this.name}: handler failed: ${String(error)}`);
      return this.errorResponse(500, 'Internal error');
    }
  }

  private failureResponse(failure: InjectedFailure): FakeResponse {
    const base =
      failure.body === undefined
        ? this.errorResponse(failure.status, 'Injected failure')
        : typeof failure.body === 'string'
          ? { status: failure.status, text: failure.body }
          : { status: failure.status, json: failure.body };
    return { ...base, status: failure.status, headers: { ...base.headers, ...failure.headers } };
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.pendingDelays.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.pendingDelays.add(release);
    });
  }
}
