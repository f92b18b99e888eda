import type { UpstreamResponse } from '../http/upstream-http.service';
import { ProviderError, ProviderErrorCode } from '../provider.errors';
import { connectTokenOf } from './tpa-stream-answers';

const answer = (
  status: number,
  body: unknown = {},
  headers: UpstreamResponse['headers'] = {},
): UpstreamResponse => ({
  status,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

function failure(response: UpstreamResponse): ProviderError {
  try {
    connectTokenOf(response);
  } catch (error) {
    if (error instanceof ProviderError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the answer to be refused');
}

describe('connectTokenOf', () => {
  it('takes the token from {"data"}', () => {
    expect(connectTokenOf(answer(200, { data: 'a.b.c' }))).toBe('a.b.c');
  });

  it.each([401, 403])('reads %i as our keys refused (invalid_client)', (status) => {
    const error = failure(answer(status, { error: 'invalid_credentials' }));
    expect(error.reason).toBe(ProviderErrorCode.Misconfigured);
    expect(error.upstreamCode).toBe('invalid_client');
    expect(error.problemCode).toBe('upstream_error');
  });

  it.each([
    [429, 'rate_limited'],
    [500, 'http_500'],
    [503, 'http_503'],
  ])('reads %i as unavailable, keeping Retry-After', (status, code) => {
    const error = failure(answer(status, '', { 'retry-after': '12' }));
    expect(error.reason).toBe(ProviderErrorCode.Unavailable);
    expect(error.upstreamCode).toBe(code);
    expect(error.retryAfterSeconds).toBe(12);
  });

  it.each([400, 404, 422, 201])('reads %i as a refused request', (status) => {
    const error = failure(answer(status, { data: 'a.b.c' }));
    expect(error.reason).toBe(ProviderErrorCode.Rejected);
    expect(error.upstreamCode).toBe(`http_${status}`);
  });

  it.each([
    ['no data', {}],
    ['an empty data', { data: '' }],
    ['a non-string data', { data: { token: 'x' } }],
    ['a body that is not JSON', 'token'],
  ])('reads a 200 with %s as malformed', (_label, body) => {
    expect(failure(answer(200, body)).reason).toBe(ProviderErrorCode.Malformed);
  });
});
