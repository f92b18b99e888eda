import { FakeMesh } from './fake-mesh';

// Answers are read loosely: a wrong shape fails the assertion.
const jsonOf = (response: Response): Promise<any> => response.json();

describe('FakeMesh', () => {
  let clock = Date.now();
  const waiters: { text: string; resolve: () => void }[] = [];
  const fake = new FakeMesh({
    reusableRefreshTokenBrokers: ['coinbase'],
    now: () => clock,
    log: (message) => waiters.filter((w) => message.includes(w.text)).forEach((w) => w.resolve()),
  });
  let url: string;

  const nextLog = (text: string) => new Promise<void>((resolve) => waiters.push({ text, resolve }));
  const post = (path: string, body: unknown, init: RequestInit & { auth?: boolean } = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(init.auth !== false && {
          'X-Client-Id': fake.clientId,
          'X-Client-Secret': fake.clientSecret,
        }),
        ...(init.headers as Record<string, string> | undefined),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: init.signal,
    });
  const refresh = (body: object, init?: RequestInit) => post('/api/v1/token/refresh', body, init);
  const connected = (options: Parameters<FakeMesh['connectAccount']>[0] = {}) => {
    const payload = fake.connectAccount({ needsMfa: false, ...options });
    const token = payload.accountTokens[0];
    return { payload, accessToken: token.accessToken, refreshToken: token.refreshToken! };
  };
  const expectBadRequest = async (response: Response, message: string | RegExp) => {
    expect(response.status).toBe(400);
    const body = await jsonOf(response);
    expect(body).toMatchObject({ status: 'badRequest', content: null });
    expect(body.message).toMatch(message);
  };

  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    clock = Date.now();
    fake.reset();
  });

  it('answers a bad client id or secret with 401 and an empty body', async () => {
    const missing = await post('/api/v1/linktoken', { userId: 'u1' }, { auth: false });
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe('');
    const wrong = await post(
      '/api/v1/linktoken',
      { userId: 'u1' },
      { headers: { 'X-Client-Secret': 'wrong' } },
    );
    expect(wrong.status).toBe(401);
    expect(fake.linkTokenCount).toBe(0);
  });

  it('creates link tokens: base64 of a URL on the fake', async () => {
    const response = await post('/api/v1/linktoken', {
      userId: 'user-1',
      restrictMultipleAccounts: true,
    });
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body).toMatchObject({ status: 'ok', message: '', errorType: '' });
    const linkUrl = Buffer.from(body.content.linkToken, 'base64').toString();
    expect(linkUrl.startsWith(`${url}/`)).toBe(true);
    expect(fake.linkTokenCount).toBe(1);

    const payload = fake.connectAccount({ linkToken: body.content.linkToken });
    expect(payload.accountTokens).toHaveLength(1);
    expect(() => fake.connectAccount({ linkToken: body.content.linkToken })).toThrow(/used/);
    await expectBadRequest(
      await post('/api/v1/linktoken', { integrationId: 'x' }),
      'userId is required',
    );
  });

  it('finishes a Link session when its page is opened (sandbox), once, as a LinkPayload', async () => {
    const response = await post('/api/v1/linktoken', { userId: 'user-2' });
    const linkUrl = Buffer.from((await jsonOf(response)).content.linkToken, 'base64').toString();
    const opened = await fetch(linkUrl);
    expect(opened.status).toBe(200);
    const payload = await jsonOf(opened);
    expect(Object.keys(payload)).toEqual(['accessToken']);
    const [token] = payload.accessToken.accountTokens;
    expect(fake.isAccessTokenValid(token.accessToken)).toBe(true);
    expect(fake.isRefreshTokenLive(token.refreshToken)).toBe(true);
    expect((await fetch(linkUrl)).status).toBe(410);
    expect((await fetch(`${url}/sandbox/link?session=unknown`)).status).toBe(404);
  });

  it('answers the Link page with a delayed-auth LinkPayload for flow=delayedAuth', async () => {
    const response = await post('/api/v1/linktoken', { userId: 'user-3' });
    const linkUrl = Buffer.from((await jsonOf(response)).content.linkToken, 'base64').toString();
    const payload = await jsonOf(await fetch(`${linkUrl}&flow=delayedAuth&broker=vanguard`));
    expect(payload).toEqual({
      delayedAuth: {
        brokerType: 'vanguard',
        refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
        brokerName: 'Vanguard',
        brokerBrandInfo: { brokerLogo: expect.any(String) },
      },
    });
  });

  it('lets a link token be used within 10 minutes only', async () => {
    const first = (await jsonOf(await post('/api/v1/linktoken', { userId: 'u' }))).content;
    const second = (await jsonOf(await post('/api/v1/linktoken', { userId: 'u' }))).content;
    clock += 10 * 60_000 - 1;
    expect(fake.connectAccount({ linkToken: first.linkToken }).accountTokens).toHaveLength(1);
    clock += 2;
    expect(() => fake.connectAccount({ linkToken: second.linkToken })).toThrow(/expired/);
  });

  it("hands out the onIntegrationConnected payload in the SDK's shapes", () => {
    const link = fake.linkPayload({ accounts: 2, refreshTokenExpiresInSeconds: 600 });
    expect(link).toEqual({
      accessToken: {
        accountTokens: [1, 2].map(() => ({
          account: {
            accountId: expect.any(String),
            accountName: expect.any(String),
            fund: expect.any(Number),
            cash: expect.any(Number),
            isReconnected: false,
          },
          accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
          refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
          tokenId: expect.any(String),
        })),
        brokerBrandInfo: expect.objectContaining({ brokerLogo: expect.any(String) }),
        expiresInSeconds: 3600,
        refreshTokenExpiresInSeconds: 600,
        brokerType: 'robinhood',
        brokerName: 'Robinhood',
      },
    });
    const plain = fake.connectAccount({ withRefreshToken: false, expiresInSeconds: null });
    expect(plain.accountTokens[0].refreshToken).toBeUndefined();
    expect('expiresInSeconds' in plain).toBe(false);
  });

  it("names a delayed-auth grant's accounts on its first refresh, then refuses the grant", async () => {
    const { delayedAuth } = fake.connectDelayed({ accounts: 2, refreshTokenExpiresInSeconds: 900 });
    expect(delayedAuth).toEqual({
      refreshTokenExpiresInSeconds: 900,
      brokerType: 'robinhood',
      refreshToken: expect.any(String),
      brokerName: 'Robinhood',
      brokerBrandInfo: { brokerLogo: expect.any(String) },
    });
    const answer = await refresh({ refreshToken: delayedAuth.refreshToken, type: 'robinhood' });
    expect(answer.status).toBe(200);
    // Mesh's OpenAPI example, with the accounts a delayed-auth grant names.
    expect(await jsonOf(answer)).toEqual({
      status: 'ok',
      message: '',
      displayMessage: null,
      errorType: '',
      content: {
        status: 'succeeded',
        expiresInSeconds: 3600,
        refreshTokenExpiresInSeconds: 900,
        brokerAccountTokens: [1, 2].map(() => ({
          account: expect.objectContaining({ accountId: expect.any(String) }),
          accessToken: expect.any(String),
          refreshToken: expect.any(String),
        })),
      },
    });
    await expectBadRequest(
      await refresh({ refreshToken: delayedAuth.refreshToken, type: 'robinhood' }),
      /^Unauthorized token$/,
    );
  });

  it('answers mfaRequired (Vanguard), then takes the code with the interim access token', async () => {
    const { refreshToken } = connected({ brokerType: 'vanguard', needsMfa: true });
    const first = await jsonOf(await refresh({ refreshToken, type: 'vanguard' }));
    expect(first.content).toEqual({
      status: 'mfaRequired',
      brokerAccountTokens: [{ accessToken: expect.any(String) }],
    });
    const interim = first.content.brokerAccountTokens[0].accessToken;
    expect(fake.isRefreshTokenLive(refreshToken)).toBe(true);
    await expectBadRequest(
      await refresh({ refreshToken, type: 'vanguard', mfaCode: fake.mfaCode }),
      /mfaRequired/,
    );
    const wrong = await jsonOf(
      await refresh({ refreshToken, type: 'vanguard', mfaCode: '000000', accessToken: interim }),
    );
    expect(wrong.content).toEqual({ status: 'failed', errorMessage: 'Invalid MFA code' });
    const right = await jsonOf(
      await refresh({ refreshToken, type: 'vanguard', mfaCode: '123456', accessToken: interim }),
    );
    expect(right.content).toMatchObject({
      status: 'succeeded',
      brokerAccountTokens: [{ accessToken: expect.any(String), refreshToken: expect.any(String) }],
    });
    expect(fake.isRefreshTokenLive(refreshToken)).toBe(false);
    expect(fake.refreshCount).toBe(1);
  });

  it('wants the access token on every WeBull refresh', async () => {
    const { accessToken, refreshToken } = connected({ brokerType: 'weBull' });
    await expectBadRequest(
      await refresh({ refreshToken, type: 'weBull' }),
      'accessToken is required for weBull',
    );
    const answer = await jsonOf(await refresh({ refreshToken, type: 'weBull', accessToken }));
    expect(answer.content.status).toBe('succeeded');
  });

  it('answers some brokers (alpaca) in the deprecated top-level fields only', async () => {
    const { payload, refreshToken } = connected({ brokerType: 'alpaca' });
    const answer = await jsonOf(await refresh({ refreshToken, type: 'alpaca' }));
    expect(answer.content).toEqual({
      status: 'succeeded',
      expiresInSeconds: 3600,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      account: payload.accountTokens[0].account,
    });
    const both = connected({ answers: 'both' });
    const mixed = await jsonOf(
      await refresh({ refreshToken: both.refreshToken, type: 'robinhood' }),
    );
    expect(mixed.content.accessToken).toBe(mixed.content.brokerAccountTokens[0].accessToken);
  });

  it('deletes an account (DELETE /api/v1/account): its tokens are refused from then on', async () => {
    const { accessToken, refreshToken } = connected();
    const del = (body: object) =>
      fetch(`${url}/api/v1/account`, {
        method: 'DELETE',
        headers: {
          'Content-Type': 'application/json',
          'X-Client-Id': fake.clientId,
          'X-Client-Secret': fake.clientSecret,
        },
        body: JSON.stringify(body),
      });
    await expectBadRequest(await del({ type: 'robinhood' }), 'authToken is required');
    await expectBadRequest(await del({ authToken: accessToken, type: 'coinbase' }), /type/);
    const deleted = await del({ authToken: accessToken, type: 'robinhood' });
    expect(deleted.status).toBe(200);
    expect(await jsonOf(deleted)).toEqual({
      status: 'ok',
      message: '',
      displayMessage: null,
      errorType: '',
    });
    expect(fake.deletedAccountCount).toBe(1);
    expect(fake.isAccessTokenValid(accessToken)).toBe(false);
    const refused = await refresh({ refreshToken, type: 'robinhood' });
    expect(await jsonOf(refused)).toEqual({
      status: 'badRequest',
      message: 'Unauthorized token',
      displayMessage: 'Unauthorized token',
      errorType: 'badRequest',
      content: null,
    });
    await expectBadRequest(
      await del({ authToken: accessToken, type: 'robinhood' }),
      'Unauthorized token',
    );
  });

  it('rotates the refresh token, and a reused one is an "Unauthorized token"', async () => {
    const { accessToken, refreshToken } = connected();
    const response = await refresh({ refreshToken, type: 'robinhood' });
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body).toMatchObject({ status: 'ok' });
    expect(body.content).toEqual({
      status: 'succeeded',
      expiresInSeconds: 3600,
      brokerAccountTokens: [
        {
          account: expect.any(Object),
          accessToken: expect.any(String),
          refreshToken: expect.any(String),
        },
      ],
    });
    const [renewed] = body.content.brokerAccountTokens;
    expect(renewed.refreshToken).not.toBe(refreshToken);
    expect(fake.isAccessTokenValid(renewed.accessToken)).toBe(true);
    expect(fake.isAccessTokenValid(accessToken)).toBe(false);

    await expectBadRequest(
      await refresh({ refreshToken, type: 'robinhood' }),
      /^Unauthorized token$/,
    );
    expect(fake.presentations(refreshToken)).toBe(2);
    expect(fake.presentationCounts()).toEqual(new Map([[refreshToken, 2]]));
    expect(fake.refreshCount).toBe(1);
  });

  it('wants `type`, not `brokerType`, and the right one', async () => {
    const { refreshToken } = connected();
    await expectBadRequest(
      await refresh({ refreshToken, brokerType: 'robinhood' }),
      'type is required',
    );
    await expectBadRequest(await refresh({ refreshToken }), 'type is required');
    await expectBadRequest(await refresh({ refreshToken, type: 'coinbase' }), /type/);
    await expectBadRequest(
      await refresh({ refreshToken, type: 'robinhood', extra: 1 }),
      /Unknown field/,
    );
    expect((await refresh({ refreshToken, type: 'robinhood' })).status).toBe(200);
    expect(fake.presentations(refreshToken)).toBe(5);
  });

  it('counts a presentation answered by an injected fault without consuming the token', async () => {
    const { refreshToken } = connected();
    fake.failNext({ status: 503, path: '/api/v1/token/refresh' });
    const failed = await refresh({ refreshToken, type: 'robinhood' });
    expect(failed.status).toBe(503);
    expect(await jsonOf(failed)).toMatchObject({ status: 'serverFailure' });
    expect(fake.presentations(refreshToken)).toBe(1);
    expect(fake.isRefreshTokenLive(refreshToken)).toBe(true);
    expect((await refresh({ refreshToken, type: 'robinhood' })).status).toBe(200);
    expect(fake.presentations(refreshToken)).toBe(2);
    expect(fake.refreshCount).toBe(1);
  });

  it('does not consume a token whose caller gave up during a hang', async () => {
    const { refreshToken } = connected();
    fake.hangNext({ ms: 200, path: '/api/v1/token/refresh' });
    const abandoned = nextLog('abandoned');
    const call = refresh({ refreshToken, type: 'robinhood' }, { signal: AbortSignal.timeout(30) });
    await expect(call).rejects.toThrow();
    await abandoned;
    expect(fake.presentations(refreshToken)).toBe(1);
    expect(fake.isRefreshTokenLive(refreshToken)).toBe(true);
  });

  it('keeps reusable refresh tokens unless a new one is asked for', async () => {
    const { refreshToken } = connected({ brokerType: 'coinbase', brokerName: 'Coinbase' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const body = await jsonOf(await refresh({ refreshToken, type: 'coinbase' }));
      expect(body.content.status).toBe('succeeded');
      expect(body.content.brokerAccountTokens[0].refreshToken).toBeUndefined();
    }
    const rotated = await refresh({ refreshToken, type: 'coinbase', createNewRefreshToken: true });
    const [renewed] = (await jsonOf(rotated)).content.brokerAccountTokens;
    expect(renewed.refreshToken).toEqual(expect.any(String));
    await expectBadRequest(await refresh({ refreshToken, type: 'coinbase' }), 'Unauthorized token');
    expect(fake.refreshCount).toBe(3);
  });

  it('expires refresh tokens; createNewRefreshToken starts a new window', async () => {
    const { refreshToken } = connected({ refreshTokenExpiresInSeconds: 100 });
    clock += 60_000;
    const rotated = await jsonOf(await refresh({ refreshToken, type: 'robinhood' }));
    expect(rotated.content.refreshTokenExpiresInSeconds).toBe(40);
    const second = rotated.content.brokerAccountTokens[0].refreshToken;
    const renewed = await jsonOf(
      await refresh({ refreshToken: second, type: 'robinhood', createNewRefreshToken: true }),
    );
    expect(renewed.content.refreshTokenExpiresInSeconds).toBe(100);
    const third = renewed.content.brokerAccountTokens[0].refreshToken;
    clock += 101_000;
    await expectBadRequest(
      await refresh({ refreshToken: third, type: 'robinhood' }),
      'Unauthorized token',
    );
  });

  it('fails revoked tokens, and can answer 200 with status "failed"', async () => {
    const revoked = connected().refreshToken;
    fake.revokeRefreshToken(revoked);
    await expectBadRequest(
      await refresh({ refreshToken: revoked, type: 'robinhood' }),
      'Unauthorized token',
    );

    const { refreshToken } = connected();
    fake.failRefreshAsFailed(refreshToken, 'Robinhood said no');
    const failed = await refresh({ refreshToken, type: 'robinhood' });
    expect(failed.status).toBe(200);
    expect((await jsonOf(failed)).content).toEqual({
      status: 'failed',
      errorMessage: 'Robinhood said no',
    });
    expect((await refresh({ refreshToken, type: 'robinhood' })).status).toBe(200);
    expect(fake.refreshCount).toBe(1);
  });

  it('takes JSON only', async () => {
    const { refreshToken } = connected();
    const form = await post(
      '/api/v1/token/refresh',
      `refreshToken=${refreshToken}&type=robinhood`,
      {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
    );
    expect(form.status).toBe(415);
    await expectBadRequest(await post('/api/v1/token/refresh', '{"refreshToken":'), /JSON/);
    expect(fake.isRefreshTokenLive(refreshToken)).toBe(true);
  });
});
