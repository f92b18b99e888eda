import type { UpstreamResponse } from '../http/upstream-http.service';
import { ProviderErrorCode } from '../provider.errors';
import { type MyDataHelpsGrant, myDataHelpsToken } from './mydatahelps-answers';

const answer = (
  status: number,
  body: unknown = '',
  headers: UpstreamResponse['headers'] = {},
): UpstreamResponse => ({
  status,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

const failure = (response: UpstreamResponse, grant: MyDataHelpsGrant = 'delegated_participant') => {
  try {
    myDataHelpsToken(response, grant);
  } catch (error) {
    return error as { reason: ProviderErrorCode; upstreamCode: string; retryAfterSeconds?: number };
  }
  throw new Error('expected a failure');
};

describe('MyDataHelps answers', () => {
  it('reads a token answer', () => {
    expect(
      myDataHelpsToken(
        answer(200, { access_token: 'abc', expires_in: 21_600, token_type: 'Bearer' }),
        'delegated_participant',
      ),
    ).toEqual({ accessToken: 'abc', expiresInSeconds: 21_600 });
  });

  it.each([
    ['no access_token', { expires_in: 300 }],
    ['no expires_in', { access_token: 'abc' }],
    ['a string expires_in', { access_token: 'abc', expires_in: '300' }],
    ['a zero expires_in', { access_token: 'abc', expires_in: 0 }],
    ['an array', [{ access_token: 'abc', expires_in: 300 }]],
  ])('calls a 200 with %s malformed', (_label, body) => {
    expect(failure(answer(200, body)).reason).toBe(ProviderErrorCode.Malformed);
  });

  it('needs the user again when the participant grant is refused', () => {
    expect(failure(answer(400, { error: 'invalid_grant' }))).toMatchObject({
      reason: ProviderErrorCode.NeedsReauth,
      upstreamCode: 'invalid_grant',
    });
  });

  it('calls invalid_grant on the service grant a configuration problem: no user can fix it', () => {
    expect(failure(answer(400, { error: 'invalid_grant' }), 'client_credentials')).toMatchObject({
      reason: ProviderErrorCode.Misconfigured,
    });
  });

  it.each(['invalid_client', 'invalid_scope', 'unsupported_grant_type', 'invalid_request'])(
    'calls %s misconfigured',
    (error) => {
      expect(failure(answer(400, { error }))).toMatchObject({
        reason: ProviderErrorCode.Misconfigured,
        upstreamCode: error,
      });
    },
  );

  it('backs off until RateLimit-Reset on 429', () => {
    expect(failure(answer(429, '', { 'ratelimit-reset': '1800' }))).toMatchObject({
      reason: ProviderErrorCode.Unavailable,
      upstreamCode: 'rate_limited',
      retryAfterSeconds: 1_800,
    });
  });

  it('calls 5xx unavailable and anything else rejected', () => {
    expect(failure(answer(502)).reason).toBe(ProviderErrorCode.Unavailable);
    expect(failure(answer(400, { error: 'something_new' })).reason).toBe(
      ProviderErrorCode.Rejected,
    );
    expect(failure(answer(403)).reason).toBe(ProviderErrorCode.Rejected);
  });
});
