import type { FieldError } from './keyhouse-error';
import { type ProblemCode, statusOf } from './problem-code';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly requestId: string;
  readonly errors?: readonly FieldError[];
}

/**
 * The one shape of every error answer. `status` defaults to the code's own; the few answers
 * raised by the HTTP layer itself (408, 417, 431) keep their status under the nearest code.
 */
export function problemDocument(
  code: ProblemCode,
  detail: string,
  requestId: string,
  options: { readonly status?: number; readonly errors?: readonly FieldError[] } = {},
): ProblemDetails {
  const known = statusOf(code);
  return {
    type: `urn:keyhouse:problem:${code}`,
    title: options.status === undefined ? known.title : titleOf(options.status, known.title),
    status: options.status ?? known.status,
    detail,
    code,
    requestId,
    ...(options.errors ? { errors: options.errors } : {}),
  };
}

function titleOf(status: number, fallback: string): string {
  switch (status) {
    case 408:
      return 'Request timeout';
    case 417:
      return 'Expectation failed';
    case 431:
      return 'Request header fields too large';
    default:
      return fallback;
  }
}
