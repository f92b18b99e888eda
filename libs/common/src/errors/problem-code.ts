/** The stable, machine-readable `code` of every problem+json answer (docs/api.md, Errors). */
export type ProblemCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'needs_reauth'
  | 'rate_limited'
  | 'upstream_error'
  | 'upstream_unavailable'
  | 'provider_not_configured'
  | 'unavailable'
  | 'internal_error';

export interface ProblemStatus {
  readonly status: number;
  readonly title: string;
}

/** Exhaustive on purpose: a new code without a status does not compile. */
export function statusOf(code: ProblemCode): ProblemStatus {
  switch (code) {
    case 'validation_failed':
      return { status: 400, title: 'The request is not valid' };
    case 'unauthenticated':
      return { status: 401, title: 'Missing or invalid API key' };
    case 'forbidden':
      return { status: 403, title: 'Not allowed for this API key' };
    case 'not_found':
      return { status: 404, title: 'Not found' };
    case 'method_not_allowed':
      return { status: 405, title: 'Method not allowed' };
    case 'conflict':
      return { status: 409, title: 'The resource is in a state that forbids this' };
    case 'payload_too_large':
      return { status: 413, title: 'Request body too large' };
    case 'unsupported_media_type':
      return { status: 415, title: 'Unsupported content type' };
    case 'needs_reauth':
      return { status: 424, title: 'The user must connect again' };
    case 'rate_limited':
      return { status: 429, title: 'Too many requests' };
    case 'upstream_error':
      return { status: 502, title: 'The upstream answered with an error' };
    case 'upstream_unavailable':
      return { status: 503, title: 'The upstream is unavailable' };
    case 'provider_not_configured':
      return { status: 503, title: 'The provider is not configured' };
    case 'unavailable':
      return { status: 503, title: 'Service unavailable' };
    case 'internal_error':
      return { status: 500, title: 'Internal error' };
  }
}

/** The reverse mapping, for errors that arrive as a bare HTTP status (framework, Fastify). */
export function codeForStatus(status: number): ProblemCode {
  switch (status) {
    case 400:
      return 'validation_failed';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 424:
      return 'needs_reauth';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return status >= 400 && status < 500 ? 'validation_failed' : 'internal_error';
  }
}
