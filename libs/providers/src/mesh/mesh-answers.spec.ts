import type { UpstreamResponse } from '../http/upstream-http.service';
import { ProviderErrorCode, SecondFactorRequired } from '../provider.errors';
import { meshContent, meshRefreshAnswer, meshStatusOk, tokensForAccount } from './mesh-answers';

const answer = (status: number, body: unknown = ''): UpstreamResponse => ({
  status,
  headers: {},
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { reason: ProviderErrorCode; upstreamCode: string };
  }
  throw new Error('expected a failure');
};

// Mesh's own OpenAPI example of a refresh answer.
const example = {
  content: {
    status: 'succeeded',
    expiresInSeconds: 86400,
    brokerAccountTokens: [
      { accessToken: 'New secret token', refreshToken: 'New secret refresh token' },
    ],
  },
  status: 'ok',
  message: '',
  errorHash: '9d3039e805923a44c7bfb5eff261aab0aed7d63b',
  errorType: '',
};

describe('Mesh answers', () => {
  it("reads the OpenAPI example's brokerAccountTokens", () => {
    const read = meshRefreshAnswer(meshContent(answer(200, example)));
    expect(read).toEqual({
      accounts: [
        {
          accountId: null,
          accountName: null,
          accessToken: 'New secret token',
          refreshToken: 'New secret refresh token',
        },
      ],
      expiresInSeconds: 86400,
      refreshTokenExpiresInSeconds: undefined,
    });
    expect(tokensForAccount(read, 'any-account').accessToken).toBe('New secret token');
  });

  it('falls back to the deprecated top-level accessToken, refreshToken and account', () => {
    const read = meshRefreshAnswer({
      status: 'succeeded',
      accessToken: 'old-style',
      refreshToken: 'old-refresh',
      account: { accountId: 'acc-1', accountName: 'Main' },
      brokerAccountTokens: null,
    });
    expect(read.accounts).toEqual([
      {
        accountId: 'acc-1',
        accountName: 'Main',
        accessToken: 'old-style',
        refreshToken: 'old-refresh',
      },
    ]);
  });

  it('prefers brokerAccountTokens when both are there, and picks the account by id', () => {
    const read = meshRefreshAnswer({
      status: 'succeeded',
      accessToken: 'deprecated',
      brokerAccountTokens: [
        { account: { accountId: 'a' }, accessToken: 'for-a' },
        { account: { accountId: 'b' }, accessToken: 'for-b' },
      ],
    });
    expect(tokensForAccount(read, 'b').accessToken).toBe('for-b');
    expect(failure(() => tokensForAccount(read, 'c')).reason).toBe(ProviderErrorCode.Malformed);
  });

  it('throws SecondFactorRequired with the interim token for mfaRequired', () => {
    const error = failure(() =>
      meshRefreshAnswer({
        status: 'mfaRequired',
        brokerAccountTokens: [{ accessToken: 'interim' }],
      }),
    );
    expect(error).toBeInstanceOf(SecondFactorRequired);
    expect((error as unknown as SecondFactorRequired).interimAccessToken).toBe('interim');
    expect(error.upstreamCode).toBe('mfa_required');
    // The interim token is not an enumerable property: loggers never walk into it.
    expect(JSON.stringify({ ...error })).not.toContain('interim');
  });

  it.each([
    ['failed', { status: 'failed', errorMessage: 'no' }, ProviderErrorCode.NeedsReauth],
    ['no tokens', { status: 'succeeded' }, ProviderErrorCode.Malformed],
    ['an unknown status', { status: 'maybe', accessToken: 'x' }, ProviderErrorCode.Malformed],
  ])('classifies %s', (_label, content, reason) => {
    expect(failure(() => meshRefreshAnswer(content)).reason).toBe(reason);
  });

  it("classifies the account deletion's answers by the upstream's code", () => {
    expect(() => meshStatusOk(answer(200, { status: 'ok', message: '' }))).not.toThrow();
    expect(
      failure(() => meshStatusOk(answer(400, { status: 'badRequest', errorType: 'missingField' }))),
    ).toMatchObject({ reason: ProviderErrorCode.Rejected, upstreamCode: 'missingField' });
    expect(
      failure(() => meshStatusOk(answer(400, { status: 'badRequest', errorType: 'has spaces!' }))),
    ).toMatchObject({ upstreamCode: 'badRequest' });
    expect(failure(() => meshStatusOk(answer(404, '')))).toMatchObject({
      upstreamCode: 'http_404',
    });
    expect(failure(() => meshStatusOk(answer(503, '')))).toMatchObject({
      reason: ProviderErrorCode.Unavailable,
      upstreamCode: 'http_503',
    });
    expect(failure(() => meshStatusOk(answer(401, '')))).toMatchObject({
      reason: ProviderErrorCode.Misconfigured,
    });
  });

  it.each([
    ['its status word', 'badRequest', 'badRequest'],
    ['a status word with a NUL', 'bad\u0000Request', 'http_400'],
    ['a status word longer than last_error holds', `badRequest${'x'.repeat(80)}`, 'http_400'],
    ['prose for a status', 'token rt_0123 was refused', 'http_400'],
  ])('keeps as the code of a refused request %s', (_label, status, code) => {
    expect(failure(() => meshContent(answer(400, { status, message: status })))).toMatchObject({
      reason: ProviderErrorCode.Rejected,
      upstreamCode: code,
    });
  });
});
