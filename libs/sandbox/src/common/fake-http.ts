/** What a fake saw on the wire, kept verbatim so tests can assert the exact format. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string;
  readonly contentType: string | undefined;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}

/** A recorded request plus what handlers need to read it. */
export interface FakeRequest extends RecordedRequest {
  readonly searchParams: URLSearchParams;
}

/** `json` is sent as application/json, `text` as text/plain; neither means an empty body. */
export interface FakeResponse {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: FakeRequest) => FakeResponse;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  readonly path: string;
  readonly methods: Readonly<Partial<Record<HttpMethod, RouteHandler>>>;
}

/** Every fake takes these. */
export interface FakeOptions {
  /** The fakes never write to the console; pass this to see what they answer. */
  readonly log?: (message: string) => void;
  /** Epoch milliseconds; a test moves it forward to expire tokens without sleeping. */
  readonly now?: () => number;
}
