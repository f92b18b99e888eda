import { API_STREAM_TOKEN_PATH, FakeApiStream } from '@keyhouse/sandbox';
import {
  createClient,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
  startProviderGateway,
  stopProviderGateway,
  providerCalls,
} from '@keyhouse/testing';
import { type CredentialEntity, CredentialCipher, CredentialRepository } from '@keyhouse/vault';

describe('api.stream', () => {
  const apiStream = new FakeApiStream({ apiKey: 'api-stream-key-value-123' });
  let gateway: GatewayHarness;
  let studio: HttpClient;
  const secrets = new Set<string>(['api-stream-key-value-123', apiStream.developmentApiKey]);

  const accessToken = (body: object, client = studio) =>
    client.post('/v1/api-stream/access-tokens', body);

  const createBodies = () =>
    apiStream
      .requestsTo(API_STREAM_TOKEN_PATH, 'POST')
      .map((request) => JSON.parse(request.rawBody));

  const storedRows = (userId: string) =>
    queryDatabase<{ id: string; account_key: string; status: string; metadata: object }>(
      gateway.database.url,
      `SELECT id, account_key, status, metadata FROM credentials
        WHERE provider = 'api-stream' AND user_id = $1`,
      [userId],
    );

  const clientWith = async (spec: { maxRole?: string; development?: boolean }) => {
    const client = await createClient(gateway, {
      team: 'studio',
      providers: ['api-stream'],
      ...spec,
    });
    secrets.add(client.apiKey);
    return new HttpClient(gateway.baseUrl, client.apiKey);
  };

  /** The stored credential and its secrets, as the refresh engine hands them to the provider. */
  const storedCredential = async (userId: string) => {
    const credential = (await gateway.app
      .get(CredentialRepository)
      .findLiveForAccount({ team: 'studio', userId }, 'api-stream', ''))!;
    return { credential, secrets: await gateway.app.get(CredentialCipher).openSecrets(credential) };
  };

  const provider = () => providerCalls(gateway.app, 'api-stream');

  beforeAll(async () => {
    ({ gateway, client: studio } = await startProviderGateway({
      fake: apiStream,
      env: (baseUrl) => ({
        API_STREAM_BASE_URL: baseUrl,
        API_STREAM_API_KEY: 'api-stream-key-value-123',
        // The wire tests read ids as sent; derivation has its own suite.
        ENVIRONMENT_USER_IDS: 'verbatim',
      }),
      team: 'studio',
      provider: 'api-stream',
      secrets,
    }));
  });

  afterEach(() => apiStream.reset());

  afterAll(() => stopProviderGateway(gateway, apiStream, secrets));

  describe('access tokens', () => {
    it('asks with X-API-Key, the ROLE_ name and maxDuration in milliseconds, and stores it', async () => {
      const answer = await accessToken({
        userId: 'alice',
        role: 'HOST',
        displayName: 'Ada',
        expiresInSeconds: 600,
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toEqual({
        accessToken: expect.any(String),
        role: 'HOST',
        upstreamUserId: 'alice',
        expiresAt: expect.any(String),
      });
      secrets.add(answer.body.accessToken);
      const claims = apiStream.decode(answer.body.accessToken)!;
      expect(claims).toMatchObject({ sub: 'alice', role: 'ROLE_HOST', displayName: 'Ada' });
      expect(claims.exp - claims.iat).toBe(600);
      // The expiry is the token's own exp.
      expect(Math.abs(new Date(answer.body.expiresAt).getTime() - claims.exp * 1_000)).toBeLessThan(
        1_000,
      );

      const [sent] = apiStream.requestsTo(API_STREAM_TOKEN_PATH, 'POST');
      expect(sent.headers['x-api-key']).toBe('api-stream-key-value-123');
      expect(sent.headers.authorization).toBeUndefined();
      expect(sent.contentType).toBe('application/json');
      expect(JSON.parse(sent.rawBody)).toEqual({
        serviceUserId: 'alice',
        displayName: 'Ada',
        role: 'ROLE_HOST',
        maxDuration: 600_000,
      });
      expect(apiStream.createCount).toBe(1);

      expect(await storedRows('alice')).toEqual([
        expect.objectContaining({
          account_key: '',
          status: 'active',
          metadata: { role: 'HOST', displayName: 'Ada' },
        }),
      ]);
      const listed = await studio.get('/v1/credentials?userId=alice&provider=api-stream');
      expect(listed.body.items[0].refreshAt).not.toBeNull();
      const read = await studio.get(`/v1/credentials/${listed.body.items[0].id}/token`);
      expect(read.body.accessToken).toBe(answer.body.accessToken);
    });

    it('asks for 48 hours by default and sends no displayName when there is none', async () => {
      const before = Date.now();
      const answer = await accessToken({ userId: 'bob', role: 'VIEWER' });
      expect(answer.status).toBe(200);
      secrets.add(answer.body.accessToken);
      expect(createBodies()).toEqual([
        { serviceUserId: 'bob', role: 'ROLE_VIEWER', maxDuration: 172_800_000 },
      ]);
      const claims = apiStream.decode(answer.body.accessToken)!;
      expect(claims.exp - claims.iat).toBe(172_800);
      expect(new Date(answer.body.expiresAt).getTime()).toBeGreaterThanOrEqual(
        before + 172_799_000,
      );
    });

    it.each(['HOST', 'COHOST', 'CONTRIBUTOR', 'GUEST', 'VIEWER'])(
      'maps the role %s to its ROLE_ name',
      async (role) => {
        const answer = await accessToken({ userId: `role-${role}`, role });
        expect(answer.status).toBe(200);
        secrets.add(answer.body.accessToken);
        expect(createBodies()[0].role).toBe(`ROLE_${role}`);
        expect(apiStream.decode(answer.body.accessToken)!.role).toBe(`ROLE_${role}`);
      },
    );

    it('keeps one credential per user: a new token replaces the stored one', async () => {
      const first = await accessToken({ userId: 'carol', role: 'GUEST', displayName: 'Carol' });
      const [before] = await storedRows('carol');
      const second = await accessToken({ userId: 'carol', role: 'VIEWER' });
      secrets.add(first.body.accessToken).add(second.body.accessToken);
      expect(await storedRows('carol')).toEqual([
        expect.objectContaining({
          id: before.id,
          metadata: { role: 'VIEWER', displayName: null },
        }),
      ]);
      const read = await studio.get(`/v1/credentials/${before.id}/token`);
      expect(read.body.accessToken).toBe(second.body.accessToken);
    });
  });

  describe("the caller's limits", () => {
    it('refuses a role above the key maxRole with 403, sending and storing nothing', async () => {
      const limited = await clientWith({ maxRole: 'CONTRIBUTOR' });
      for (const role of ['HOST', 'COHOST']) {
        const answer = await accessToken({ userId: 'dave', role }, limited);
        expect(answer.status).toBe(403);
        expect(answer.body.code).toBe('forbidden');
      }
      expect(apiStream.createCount).toBe(0);
      expect(apiStream.requests).toEqual([]);
      expect(await storedRows('dave')).toEqual([]);

      for (const role of ['CONTRIBUTOR', 'GUEST', 'VIEWER']) {
        const answer = await accessToken({ userId: 'dave', role }, limited);
        expect(answer.status).toBe(200);
        secrets.add(answer.body.accessToken);
      }
      expect(apiStream.createCount).toBe(3);
    });

    it('holds development keys to GUEST and VIEWER for at most an hour', async () => {
      const development = await clientWith({ development: true });
      const refused = [
        { userId: 'erin', role: 'HOST' },
        { userId: 'erin', role: 'CONTRIBUTOR', expiresInSeconds: 60 },
        { userId: 'erin', role: 'VIEWER', expiresInSeconds: 3_601 },
        { userId: 'erin', role: 'GUEST', expiresInSeconds: 86_400 },
      ];
      for (const body of refused) {
        const answer = await accessToken(body, development);
        expect(answer.status).toBe(403);
        expect(answer.body.code).toBe('forbidden');
      }
      expect(apiStream.createCount).toBe(0);
      expect(await storedRows('erin')).toEqual([]);

      const viewer = await accessToken({ userId: 'erin', role: 'VIEWER' }, development);
      const guest = await accessToken(
        { userId: 'frank', role: 'GUEST', expiresInSeconds: 3_600 },
        development,
      );
      expect([viewer.status, guest.status]).toEqual([200, 200]);
      secrets.add(viewer.body.accessToken).add(guest.body.accessToken);
      // A development key's default lifetime is its one-hour cap.
      expect(createBodies().map((body) => body.maxDuration)).toEqual([3_600_000, 3_600_000]);
      expect(apiStream.createCount).toBe(2);
    });
  });

  describe('refresh', () => {
    it('presents the current token in a PUT with {} and keeps the one from the answer header', async () => {
      const issued = await accessToken({ userId: 'gina', role: 'COHOST', expiresInSeconds: 900 });
      secrets.add(issued.body.accessToken);
      const { credential, secrets: stored } = await storedCredential('gina');
      const now = new Date();
      expect(provider().canRefresh(credential, now)).toBe(true);

      const refreshed = await provider().refresh({ credential, secrets: stored, now });
      secrets.add(refreshed.accessToken);
      const [sent] = apiStream.requestsTo(API_STREAM_TOKEN_PATH, 'PUT');
      expect(sent.headers.authorization).toBe(`Bearer ${issued.body.accessToken}`);
      expect(sent.headers['x-api-key']).toBeUndefined();
      expect(sent.contentType).toBe('application/json');
      expect(sent.rawBody).toBe('{}');
      expect(apiStream.refreshCount).toBe(1);
      expect(refreshed).toMatchObject({ refreshToken: null, obtainedAt: now });
      expect(refreshed.accessToken).not.toBe(issued.body.accessToken);
      expect(apiStream.isTokenValid(refreshed.accessToken)).toBe(true);
      expect(apiStream.decode(refreshed.accessToken)).toMatchObject({
        sub: 'gina',
        role: 'ROLE_COHOST',
      });
      expect(refreshed.expiresInSeconds).toBeGreaterThanOrEqual(899);
      expect(refreshed.expiresInSeconds).toBeLessThanOrEqual(900);

      // Exactly the header's token, whatever the body says.
      apiStream.failNext({
        status: 200,
        body: { accessToken: 'not-from-the-body' },
        headers: { Authorization: 'Bearer header.token.value' },
        path: API_STREAM_TOKEN_PATH,
      });
      const fromHeader = await provider().refresh({ credential, secrets: stored, now });
      expect(fromHeader.accessToken).toBe('header.token.value');
    });

    it('cannot refresh an expired token', async () => {
      const issued = await accessToken({ userId: 'hank', role: 'GUEST' });
      secrets.add(issued.body.accessToken);
      const { credential } = await storedCredential('hank');
      const expired = {
        ...credential,
        expiresAt: new Date(Date.now() - 1_000),
      } as CredentialEntity;
      expect(provider().canRefresh(expired, new Date())).toBe(false);
    });

    it.each([
      ['a refused token (401)', { status: 401 }, 'needs_reauth', 'token_rejected'],
      ['rate limiting (429)', { status: 429 }, 'upstream_unavailable', 'rate_limited'],
      ['a server error (503)', { status: 503 }, 'upstream_unavailable', 'http_503'],
      [
        'a 200 without a Bearer header',
        { status: 200, body: {} },
        'upstream_error',
        'malformed_answer',
      ],
      ['a permission error (403)', { status: 403 }, 'upstream_error', 'permission_denied'],
    ])(
      'classifies %s, presenting the token once',
      async (_label, failure, problemCode, upstreamCode) => {
        const issued = await accessToken({ userId: 'ivy', role: 'GUEST' });
        secrets.add(issued.body.accessToken);
        const { credential, secrets: stored } = await storedCredential('ivy');
        apiStream.failNext({ ...failure, path: API_STREAM_TOKEN_PATH });
        await expect(
          provider().refresh({ credential, secrets: stored, now: new Date() }),
        ).rejects.toMatchObject({ problemCode, upstreamCode });
        expect(apiStream.requestsTo(API_STREAM_TOKEN_PATH, 'PUT')).toHaveLength(1);
      },
    );

    it('needs the user again once api.stream revoked the token', async () => {
      const issued = await accessToken({ userId: 'jack', role: 'GUEST' });
      secrets.add(issued.body.accessToken);
      apiStream.revoke(issued.body.accessToken);
      const { credential, secrets: stored } = await storedCredential('jack');
      await expect(
        provider().refresh({ credential, secrets: stored, now: new Date() }),
      ).rejects.toMatchObject({ problemCode: 'needs_reauth', upstreamCode: 'token_rejected' });
    });
  });

  describe('upstream errors', () => {
    it.each([
      {
        label: 'a refused API key (401)',
        failure: { status: 401 },
        status: 502,
        code: 'upstream_error',
      },
      {
        label: 'permission denied (403)',
        failure: { status: 403 },
        status: 502,
        code: 'upstream_error',
      },
      {
        label: 'an invalid argument (400)',
        failure: { status: 400 },
        status: 502,
        code: 'upstream_error',
      },
      { label: 'not found (404)', failure: { status: 404 }, status: 502, code: 'upstream_error' },
      {
        label: 'rate limiting (429), not retried',
        failure: { status: 429 },
        status: 503,
        code: 'upstream_unavailable',
      },
      {
        label: 'a server error (500), after retries',
        failure: { status: 500, times: 3 },
        status: 503,
        code: 'upstream_unavailable',
      },
      {
        label: 'an answer without accessToken',
        failure: { status: 200, body: {} },
        status: 502,
        code: 'upstream_error',
      },
    ])(
      'maps $label to $status $code and stores nothing',
      async ({ label, failure, status, code }) => {
        const userId = `failed-${label.replace(/\W/g, '-')}`;
        apiStream.failNext({ ...failure, path: API_STREAM_TOKEN_PATH });
        const answer = await accessToken({ userId, role: 'GUEST' });
        expect(answer.status).toBe(status);
        expect(answer.body.code).toBe(code);
        if (status === 503) {
          expect(answer.headers.get('retry-after')).toBeTruthy();
        }
        expect(apiStream.createCount).toBe(0);
        expect(await storedRows(userId)).toEqual([]);
      },
    );

    it('retries a create through one transient failure', async () => {
      apiStream.failNext({ status: 503, path: API_STREAM_TOKEN_PATH });
      const answer = await accessToken({ userId: 'kim', role: 'GUEST' });
      expect(answer.status).toBe(200);
      secrets.add(answer.body.accessToken);
      expect(apiStream.requestsTo(API_STREAM_TOKEN_PATH, 'POST')).toHaveLength(2);
    });
  });

  describe('access', () => {
    it.each([
      ['an unknown role', { userId: 'u', role: 'ADMIN' }],
      ['a lower-case role', { userId: 'u', role: 'host' }],
      ['a ROLE_ name', { userId: 'u', role: 'ROLE_HOST' }],
      ['no userId', { role: 'HOST' }],
      ['a lifetime of 0', { userId: 'u', role: 'HOST', expiresInSeconds: 0 }],
      ['a lifetime over 30 days', { userId: 'u', role: 'HOST', expiresInSeconds: 2_592_001 }],
      ['a fractional lifetime', { userId: 'u', role: 'HOST', expiresInSeconds: 1.5 }],
      ['a lifetime as a string', { userId: 'u', role: 'HOST', expiresInSeconds: '60' }],
      ['an empty displayName', { userId: 'u', role: 'HOST', displayName: '' }],
      ['an unknown field', { userId: 'u', role: 'HOST', maxDuration: 60_000 }],
    ])('refuses %s with 400 before calling api.stream', async (_label, body) => {
      const answer = await accessToken(body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
      expect(apiStream.requests).toEqual([]);
    });

    it('accepts a lifetime of exactly 30 days', async () => {
      const answer = await accessToken({ userId: 'u', role: 'HOST', expiresInSeconds: 2_592_000 });
      expect(answer.status).toBe(200);
      secrets.add(answer.body.accessToken);
      expect(createBodies()[0].maxDuration).toBe(2_592_000_000);
    });

    it("should not return another team's stored token", async () => {
      const issued = await accessToken({ userId: 'lena', role: 'GUEST' });
      secrets.add(issued.body.accessToken);
      const [row] = await storedRows('lena');
      const rival = await createClient(gateway, { team: 'rival', providers: ['api-stream'] });
      secrets.add(rival.apiKey);
      const rivalClient = new HttpClient(gateway.baseUrl, rival.apiKey);
      const stolen = await rivalClient.get(`/v1/credentials/${row.id}/token`);
      expect(stolen.status).toBe(404);
      expect(stolen.text).not.toContain(issued.body.accessToken);
      expect((await rivalClient.get(`/v1/credentials/${row.id}`)).status).toBe(404);
    });

    it('refuses keys without the api-stream provider or the scope', async () => {
      const other = await createClient(gateway, { team: 'studio', providers: ['mesh'] });
      const reader = await createClient(gateway, {
        team: 'studio',
        providers: ['api-stream'],
        scopes: ['tokens:read'],
      });
      secrets.add(other.apiKey).add(reader.apiKey);
      for (const key of [other.apiKey, reader.apiKey]) {
        const answer = await accessToken(
          { userId: 'u', role: 'GUEST' },
          new HttpClient(gateway.baseUrl, key),
        );
        expect(answer.status).toBe(403);
      }
      expect(apiStream.requests).toEqual([]);
    });
  });

  it('answers 503 provider_not_configured without keys', async () => {
    const bare = await startGateway();
    try {
      const client = await createClient(bare, { team: 'studio' });
      const answer = await accessToken(
        { userId: 'u', role: 'GUEST' },
        new HttpClient(bare.baseUrl, client.apiKey),
      );
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('provider_not_configured');
      expect(apiStream.requests).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
