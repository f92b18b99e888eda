import { codeForStatus, type ProblemCode, statusOf } from './problem-code';

const ALL_CODES: ProblemCode[] = [
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'needs_reauth',
  'rate_limited',
  'upstream_error',
  'upstream_unavailable',
  'provider_not_configured',
  'unavailable',
  'internal_error',
];

describe('problem codes', () => {
  it('gives every code the status the API contract fixes (docs/api.md, Errors)', () => {
    const statuses = Object.fromEntries(ALL_CODES.map((code) => [code, statusOf(code).status]));
    expect(statuses).toEqual({
      validation_failed: 400,
      unauthenticated: 401,
      forbidden: 403,
      not_found: 404,
      method_not_allowed: 405,
      conflict: 409,
      payload_too_large: 413,
      unsupported_media_type: 415,
      needs_reauth: 424,
      rate_limited: 429,
      upstream_error: 502,
      upstream_unavailable: 503,
      provider_not_configured: 503,
      unavailable: 503,
      internal_error: 500,
    });
  });

  it('maps bare statuses back to codes, never inventing a 5xx for a 4xx', () => {
    expect(codeForStatus(413)).toBe('payload_too_large');
    expect(codeForStatus(418)).toBe('validation_failed');
    expect(codeForStatus(500)).toBe('internal_error');
    for (const code of ALL_CODES) {
      const { status } = statusOf(code);
      if (status < 500) {
        expect(statusOf(codeForStatus(status)).status).toBe(status);
      }
    }
  });
});
