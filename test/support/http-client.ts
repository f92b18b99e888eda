export interface HttpResult<Body = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Body;
  readonly text: string;
}

export interface RequestOptions {
  readonly key?: string;
  readonly body?: unknown;
  /** Send this exact string as the body (for malformed JSON, huge bodies, other types). */
  readonly rawBody?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** A tiny client over fetch for talking to a gateway over real HTTP. */
export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaultKey?: string,
  ) {}

  withKey(key: string | undefined): HttpClient {
    return new HttpClient(this.baseUrl, key);
  }

  get<Body = any>(path: string, options: RequestOptions = {}): Promise<HttpResult<Body>> {
    return this.request('GET', path, options);
  }

  post<Body = any>(
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<HttpResult<Body>> {
    return this.request('POST', path, { ...options, body });
  }

  patch<Body = any>(
    path: string,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<HttpResult<Body>> {
    return this.request('PATCH', path, { ...options, body });
  }

  delete<Body = any>(path: string, options: RequestOptions = {}): Promise<HttpResult<Body>> {
    return this.request('DELETE', path, options);
  }

  async request<Body = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpResult<Body>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = 'key' in options ? options.key : this.defaultKey;
    if (key !== undefined) {
      headers.authorization = `Bearer ${key}`;
    }
    let payload: string | undefined;
    if (options.rawBody !== undefined) {
      payload = options.rawBody;
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let body: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) {
      body = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, body: body as Body, text };
  }
}
