import type { components } from './schema';

export type Problem = components['schemas']['Problem'];
/** Every `code` Keyhouse answers with, generated from the OpenAPI document's enum. */
export type ProblemCode = components['schemas']['ProblemCode'];
export type FieldError = components['schemas']['FieldError'];

/**
 * A Keyhouse error answer (application/problem+json). Branch on `code`, a closed union, never
 * on `detail`, which is for people.
 */
export class KeyhouseProblemError extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly errors: readonly FieldError[];
  /** Seconds from Retry-After, when the answer carried one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    super(`${problem.code}: ${problem.detail}`);
    this.name = 'KeyhouseProblemError';
    this.status = problem.status;
    this.code = problem.code;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
    this.errors = problem.errors ?? [];
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Builds the error from an answer that is not 2xx, whatever its body. */
  static fromResponse(response: Response, body: unknown): KeyhouseProblemError {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (isProblem(body)) {
      return new KeyhouseProblemError(body, retryAfter);
    }
    // Not Keyhouse's own answer (a proxy in between, say): keep the status, name no code.
    return new KeyhouseProblemError(
      {
        type: 'about:blank',
        title: response.statusText || 'Unexpected answer',
        status: response.status,
        detail: `HTTP ${response.status} without a problem+json body`,
        code: response.status >= 500 ? 'unavailable' : 'validation_failed',
        requestId: response.headers.get('x-request-id') ?? '',
      },
      retryAfter,
    );
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) {
    return false;
  }
  const { code, status } = body as Record<string, unknown>;
  return typeof code === 'string' && typeof status === 'number';
}

/** Retry-After in seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
