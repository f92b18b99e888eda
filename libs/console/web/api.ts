/** The console's one way to the server: its session routes and /console/api (the admin API). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export interface SessionInfo {
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly keyPrefix: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export function rememberSession(session: SessionInfo | null): void {
  // Memory only: never localStorage or sessionStorage.
  csrfToken = session?.csrfToken ?? null;
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) {
    headers['x-csrf-token'] = csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiProblem(0, 'network', 'Keyhouse did not answer: check that the gateway runs');
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const problem = (parsed ?? {}) as { code?: string; detail?: string };
    if (response.status === 401 && !url.endsWith('/console/session')) {
      rememberSession(null);
      onSignedOut();
    }
    throw new ApiProblem(
      response.status,
      problem.code ?? 'error',
      problem.detail ?? `The gateway answered ${response.status}`,
    );
  }
  return parsed as T;
}

export const session = {
  current: () => call<SessionInfo>('GET', '/console/session'),
  signIn: (apiKey: string) => call<SessionInfo>('POST', '/console/session', { apiKey }),
  signOut: () => call<void>('DELETE', '/console/session'),
};

/** Admin API paths without the /admin prefix: `admin.get('credentials?team=x')`. */
export const admin = {
  get: <T>(path: string) => call<T>('GET', `/console/api/${path}`),
  post: <T>(path: string, body?: unknown) => call<T>('POST', `/console/api/${path}`, body),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', `/console/api/${path}`, body),
  delete: (path: string) => call<void>('DELETE', `/console/api/${path}`),
};

export function query(values: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
