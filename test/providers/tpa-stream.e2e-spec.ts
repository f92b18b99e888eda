import { FakeTpaStream, TPA_STREAM_CONNECT_TOKEN_PATH } from '@keyhouse/sandbox';
import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
  startProviderGateway,
  stopProviderGateway,
} from '@keyhouse/testing';

const ACCESS_KEY = 'tpa-access-key-public';
const SECRET_KEY = 'tpa-secret-key-value-123';

describe('TPA Stream', () => {
  const tpa = new FakeTpaStream({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
  let gateway: GatewayHarness;
  let care: HttpClient;
  const secrets = new Set<string>([SECRET_KEY]);

  const tpaEnv = (baseUrl: string, secretKey = SECRET_KEY) => ({
    TPA_STREAM_BASE_URL: baseUrl,
    TPA_STREAM_ACCESS_KEY: ACCESS_KEY,
    TPA_STREAM_SECRET_KEY: secretKey,
  });

  const storedRows = (userId: string) =>
    queryDatabase<{ id: string; status: string; metadata: Record<string, unknown> }>(
      gateway.database.url,
      `SELECT id, status, metadata FROM credentials WHERE provider = 'tpa-stream' AND user_id = $1`,
      [userId],
    );

  const connectToken = (client: HttpClient, userId: string) =>
    client.post('/v1/tpa-stream/connect-tokens', { userId });

  beforeAll(async () => {
    ({ gateway, client: care } = await startProviderGateway({
      fake: tpa,
      // A short timeout so the hang test takes a second, not thirty.
      env: (baseUrl) => ({ ...tpaEnv(baseUrl), UPSTREAM_TIMEOUT_MS: '1000' }),
      team: 'care',
      provider: 'tpa-stream',
      secrets,
    }));
  });

  afterEach(() => tpa.reset());

  afterAll(() => stopProviderGateway(gateway, tpa, secrets));

  describe('connect tokens', () => {
    it('asks TPA Stream with both keys in JSON and no auth header, and answers the SDK', async () => {
      const obtainedFrom = Date.now();
      const answer = await connectToken(care, 'alice');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(answer.body).sort()).toEqual(
        ['connectAccessToken', 'expiresAt', 'sdkToken'].sort(),
      );
      const token = answer.body.connectAccessToken as string;
      secrets.add(token);
      expect(answer.body.sdkToken).toBe(ACCESS_KEY);
      const claims = tpa.verify(token);
      expect(claims).toBeDefined();
      // The lifetime is read from the JWT's exp, never later than it.
      const expiresAt = new Date(answer.body.expiresAt).getTime();
      expect(expiresAt).toBeLessThanOrEqual(claims!.exp * 1_000);
      expect(expiresAt).toBeGreaterThan(claims!.exp * 1_000 - 2_000);
      expect(expiresAt).toBeGreaterThanOrEqual(obtainedFrom + 3_598_000);

      const sent = tpa.requestsTo(TPA_STREAM_CONNECT_TOKEN_PATH, 'POST');
      expect(sent).toHaveLength(1);
      expect(sent[0].contentType).toBe('application/json');
      expect(sent[0].headers.authorization).toBeUndefined();
      expect(sent[0].query).toEqual({});
      expect(JSON.parse(sent[0].rawBody)).toEqual({
        connect_access_key: ACCESS_KEY,
        connect_secret_key: SECRET_KEY,
      });
    });

    it('stores the token once per user, as single use: it cannot be read back (409)', async () => {
      const first = await connectToken(care, 'bob');
      const second = await connectToken(care, 'bob');
      secrets.add(first.body.connectAccessToken).add(second.body.connectAccessToken);
      expect(second.body.connectAccessToken).not.toBe(first.body.connectAccessToken);

      const rows = await storedRows('bob');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        status: 'active',
        metadata: { kind: 'connect_token', singleUse: true },
      });
      const listed = await care.get('/v1/credentials?userId=bob&provider=tpa-stream');
      expect(listed.body.items).toHaveLength(1);
      expect(listed.body.items[0]).toMatchObject({
        id: rows[0].id,
        provider: 'tpa-stream',
        accountId: null,
        refreshAt: null,
        expiresAt: second.body.expiresAt,
      });

      const again = await care.get(`/v1/credentials/${rows[0].id}/token`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('conflict');
      expect(again.text).not.toContain(second.body.connectAccessToken);

      const audit = await gateway.admin.get(`/admin/audit?credentialId=${rows[0].id}`);
      expect(
        (audit.body.items as { action: string }[]).filter(
          (event) => event.action === 'credential.issued',
        ),
      ).toHaveLength(2);
      expect(audit.text).not.toContain(second.body.connectAccessToken);
    });

    it('refuses a bad body with 400 before calling TPA Stream', async () => {
      for (const body of [
        {},
        { userId: '' },
        { userId: 'x'.repeat(257) },
        { userId: 'a\nb' },
        { userId: 7 },
        { userId: 'alice', extra: true },
      ]) {
        const answer = await care.post('/v1/tpa-stream/connect-tokens', body);
        expect(answer.status).toBe(400);
        expect(answer.body.code).toBe('validation_failed');
      }
      expect(tpa.requests).toEqual([]);
    });
  });

  describe('upstream answers', () => {
    it.each([401, 403])(
      'maps %i (keys refused) to 502 upstream_error and stores nothing',
      async (status) => {
        tpa.failNext({ status, path: TPA_STREAM_CONNECT_TOKEN_PATH });
        const answer = await connectToken(care, `refused-${status}`);
        expect(answer.status).toBe(502);
        expect(answer.body.code).toBe('upstream_error');
        expect(tpa.requests).toHaveLength(1);
        expect(await storedRows(`refused-${status}`)).toEqual([]);
      },
    );

    it('retries a 5xx, then gives up with 503 upstream_unavailable and stores nothing', async () => {
      tpa.failNext({ status: 502, path: TPA_STREAM_CONNECT_TOKEN_PATH, times: 2 });
      const recovered = await connectToken(care, 'retried');
      expect(recovered.status).toBe(200);
      secrets.add(recovered.body.connectAccessToken);
      expect(tpa.requestsTo(TPA_STREAM_CONNECT_TOKEN_PATH)).toHaveLength(3);

      tpa.failNext({ status: 503, path: TPA_STREAM_CONNECT_TOKEN_PATH, times: 10 });
      const down = await connectToken(care, 'down');
      expect(down.status).toBe(503);
      expect(down.body.code).toBe('upstream_unavailable');
      expect(down.headers.get('retry-after')).toBeTruthy();
      expect(await storedRows('down')).toEqual([]);
    });

    it("maps 429 to 503 upstream_unavailable with the upstream's Retry-After", async () => {
      tpa.failNext({
        status: 429,
        path: TPA_STREAM_CONNECT_TOKEN_PATH,
        headers: { 'Retry-After': '7' },
      });
      const answer = await connectToken(care, 'limited');
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('upstream_unavailable');
      expect(answer.headers.get('retry-after')).toBe('7');
      // Not retried: a rate limit only spends more quota when hit again at once.
      expect(tpa.requestsTo(TPA_STREAM_CONNECT_TOKEN_PATH)).toHaveLength(1);
      expect(await storedRows('limited')).toEqual([]);
    });

    it('maps a hang past the timeout to 503 upstream_unavailable', async () => {
      tpa.hangNext({ ms: 10_000, path: TPA_STREAM_CONNECT_TOKEN_PATH });
      const answer = await connectToken(care, 'hung');
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('upstream_unavailable');
      expect(await storedRows('hung')).toEqual([]);
    });

    it.each([400, 404, 422])('maps any other status (%i) to 502 upstream_error', async (status) => {
      tpa.failNext({ status, path: TPA_STREAM_CONNECT_TOKEN_PATH });
      const answer = await connectToken(care, `rejected-${status}`);
      expect(answer.status).toBe(502);
      expect(answer.body.code).toBe('upstream_error');
      expect(await storedRows(`rejected-${status}`)).toEqual([]);
    });

    it.each([
      ['no data', { token: 'x' }],
      ['an empty data', { data: '' }],
      ['a body that is not JSON', 'ok'],
    ])('maps a 200 with %s to 502 upstream_error', async (_label, body) => {
      tpa.failNext({ status: 200, body, path: TPA_STREAM_CONNECT_TOKEN_PATH });
      const answer = await connectToken(care, 'malformed');
      expect(answer.status).toBe(502);
      expect(answer.body.code).toBe('upstream_error');
      expect(await storedRows('malformed')).toEqual([]);
    });
  });

  describe('access', () => {
    it('refuses keys without the tpa-stream provider or the tokens:issue scope', async () => {
      const other = await createClient(gateway, { team: 'care', providers: ['stream-chat'] });
      const reader = await createClient(gateway, {
        team: 'care',
        providers: ['tpa-stream'],
        scopes: ['tokens:read'],
      });
      secrets.add(other.apiKey).add(reader.apiKey);
      for (const key of [other.apiKey, reader.apiKey]) {
        const answer = await connectToken(new HttpClient(gateway.baseUrl, key), 'alice');
        expect(answer.status).toBe(403);
        expect(answer.body.code).toBe('forbidden');
      }
      expect(tpa.requests).toEqual([]);
    });

    it("should not return another team's connect token", async () => {
      const minted = await connectToken(care, 'erin');
      secrets.add(minted.body.connectAccessToken);
      const [row] = await storedRows('erin');
      const rival = await createClient(gateway, { team: 'rival', providers: ['*'] });
      secrets.add(rival.apiKey);
      const rivalHttp = new HttpClient(gateway.baseUrl, rival.apiKey);
      expect((await rivalHttp.get(`/v1/credentials/${row.id}`)).status).toBe(404);
      const token = await rivalHttp.get(`/v1/credentials/${row.id}/token`);
      expect(token.status).toBe(404);
      expect(token.text).not.toContain(minted.body.connectAccessToken);
      expect(
        (await rivalHttp.get('/v1/credentials?userId=erin&provider=tpa-stream')).body.items,
      ).toEqual([]);
    });
  });

  describe('other deployments', () => {
    it('assumes one hour for a token that is not a JWT', async () => {
      const opaque = new FakeTpaStream({
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
        opaqueTokens: true,
        lifetimeSeconds: 600,
      });
      const other = await startGateway({
        env: tpaEnv(await opaque.start()),
        database: gateway.database,
      });
      try {
        const client = await createClient(other, { team: 'care', providers: ['tpa-stream'] });
        secrets.add(client.apiKey).add(other.adminKey);
        const before = Date.now();
        const answer = await connectToken(new HttpClient(other.baseUrl, client.apiKey), 'opaque');
        expect(answer.status).toBe(200);
        secrets.add(answer.body.connectAccessToken);
        expect(opaque.verify(answer.body.connectAccessToken)).toBeDefined();
        const lifetime = new Date(answer.body.expiresAt).getTime() - before;
        expect(lifetime).toBeGreaterThanOrEqual(3_600_000);
        expect(lifetime).toBeLessThan(3_610_000);
        expectNoSecretsInLogs(other.logs, secrets);
      } finally {
        await other.close();
        await opaque.stop();
      }
    });

    it('maps a wrong secret key (the real refusal) to 502 and stores nothing', async () => {
      const wrong = await startGateway({
        env: tpaEnv(tpa.baseUrl, 'not-the-secret-key'),
        database: gateway.database,
      });
      try {
        const client = await createClient(wrong, { team: 'care', providers: ['tpa-stream'] });
        secrets.add(client.apiKey).add(wrong.adminKey);
        const answer = await connectToken(new HttpClient(wrong.baseUrl, client.apiKey), 'wrong');
        expect(answer.status).toBe(502);
        expect(answer.body.code).toBe('upstream_error');
        expect(tpa.issuedCount).toBe(0);
        expect(await storedRows('wrong')).toEqual([]);
        expectNoSecretsInLogs(wrong.logs, [...secrets, 'not-the-secret-key']);
      } finally {
        await wrong.close();
      }
    });

    it('answers 503 provider_not_configured without keys, calling nothing', async () => {
      const bare = await startGateway({ env: { TPA_STREAM_BASE_URL: tpa.baseUrl } });
      try {
        const client = await createClient(bare, { team: 'care' });
        const answer = await connectToken(new HttpClient(bare.baseUrl, client.apiKey), 'x');
        expect(answer.status).toBe(503);
        expect(answer.body.code).toBe('provider_not_configured');
        expect(tpa.requests).toEqual([]);
      } finally {
        await bare.close();
      }
    });
  });
});
