import { FakeMesh, type IntegrationConnectedPayload } from '@keyhouse/sandbox';
import {
  createClient,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
  startProviderGateway,
  stopProviderGateway,
} from '@keyhouse/testing';

describe('Mesh', () => {
  const mesh = new FakeMesh({ clientId: 'mesh-client', clientSecret: 'mesh-secret-value-123' });
  let gateway: GatewayHarness;
  let growth: HttpClient;
  const secrets = new Set<string>(['mesh-secret-value-123']);

  const meshEnv = (baseUrl: string) => ({
    MESH_BASE_URL: baseUrl,
    MESH_CLIENT_ID: 'mesh-client',
    MESH_CLIENT_SECRET: 'mesh-secret-value-123',
    // The wire tests read ids as sent; derivation has its own suite.
    ENVIRONMENT_USER_IDS: 'verbatim',
  });

  const storedRows = (userId: string) =>
    queryDatabase<{ account_key: string }>(
      gateway.database.url,
      'SELECT account_key FROM credentials WHERE user_id = $1',
      [userId],
    );

  beforeAll(async () => {
    ({ gateway, client: growth } = await startProviderGateway({
      fake: mesh,
      env: meshEnv,
      team: 'growth',
      provider: 'mesh',
      secrets,
    }));
  });

  afterEach(() => mesh.reset());

  afterAll(() => stopProviderGateway(gateway, mesh, secrets));

  describe('link tokens', () => {
    it('asks Mesh with the client headers and JSON, and hands the token out once', async () => {
      const answer = await growth.post('/v1/mesh/link-tokens', {
        userId: 'alice',
        integrationId: '47624467-e52e-4938-a41a-7926b6c27acf',
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(answer.body).sort()).toEqual(['expiresAt', 'linkToken', 'upstreamUserId']);
      expect(answer.body.upstreamUserId).toBe('alice');
      // Mesh: use it within 10 minutes.
      const lifetime = Date.parse(answer.body.expiresAt) - Date.now();
      expect(lifetime).toBeGreaterThan(590_000);
      expect(lifetime).toBeLessThanOrEqual(600_000);
      const linkToken = answer.body.linkToken as string;
      secrets.add(linkToken);
      expect(Buffer.from(linkToken, 'base64').toString('utf8')).toMatch(/^http/);

      const [sent] = mesh.requestsTo('/api/v1/linktoken', 'POST');
      expect(sent.headers['x-client-id']).toBe('mesh-client');
      expect(sent.headers['x-client-secret']).toBe('mesh-secret-value-123');
      expect(sent.contentType).toBe('application/json');
      expect(JSON.parse(sent.rawBody)).toEqual({
        userId: 'alice',
        integrationId: '47624467-e52e-4938-a41a-7926b6c27acf',
      });

      const listed = await growth.get('/v1/credentials?userId=alice&provider=mesh');
      expect(listed.body.items).toHaveLength(1);
      expect(listed.body.items[0]).toMatchObject({
        accountId: null,
        expiresAt: answer.body.expiresAt,
        metadata: { kind: 'link_token', singleUse: true },
      });
      const again = await growth.get(`/v1/credentials/${listed.body.items[0].id}/token`);
      expect(again.status).toBe(409);
      expect(again.text).not.toContain(linkToken);
    });

    it('maps a refused client secret to 502 upstream_error and stores nothing', async () => {
      mesh.failNext({ status: 401, body: '', path: '/api/v1/linktoken' });
      const answer = await growth.post('/v1/mesh/link-tokens', { userId: 'refused' });
      expect(answer.status).toBe(502);
      expect(answer.body.code).toBe('upstream_error');
      expect(await storedRows('refused')).toEqual([]);
      // Operators must act: it is logged as a configuration incident, at error level.
      const incident = gateway.logs.parsed().find((line) => line.incident === 'mesh_configuration');
      expect(incident).toMatchObject({ level: 'error' });
    });

    it('retries a link token through transient failures, then gives up with 503', async () => {
      mesh.failNext({ status: 503, path: '/api/v1/linktoken', times: 2 });
      const recovered = await growth.post('/v1/mesh/link-tokens', { userId: 'retried' });
      expect(recovered.status).toBe(200);
      expect(mesh.requestsTo('/api/v1/linktoken')).toHaveLength(3);
      secrets.add(recovered.body.linkToken);

      mesh.failNext({ status: 503, path: '/api/v1/linktoken', times: 10 });
      const down = await growth.post('/v1/mesh/link-tokens', { userId: 'down' });
      expect(down.status).toBe(503);
      expect(down.body.code).toBe('upstream_unavailable');
      expect(down.headers.get('retry-after')).toBeTruthy();
      expect(await storedRows('down')).toEqual([]);
    });

    it('refuses an integration id that is not a Mesh id before calling Mesh', async () => {
      const answer = await growth.post('/v1/mesh/link-tokens', {
        userId: 'alice',
        integrationId: 'coinbase',
      });
      expect(answer.status).toBe(400);
      expect(mesh.requestsTo('/api/v1/linktoken')).toEqual([]);
    });

    it('maps a malformed answer to 502', async () => {
      mesh.failNext({
        status: 200,
        body: { status: 'ok', content: { nope: true } },
        path: '/api/v1/linktoken',
      });
      const answer = await growth.post('/v1/mesh/link-tokens', { userId: 'malformed' });
      expect(answer.status).toBe(502);
      expect(answer.body.code).toBe('upstream_error');
    });
  });

  describe('connections', () => {
    it('takes the LinkPayload exactly as onIntegrationConnected hands it over', async () => {
      const linkPayload = mesh.linkPayload({ accounts: 1 });
      const [account] = (linkPayload as { accessToken: IntegrationConnectedPayload }).accessToken
        .accountTokens;
      secrets.add(account.accessToken).add(account.refreshToken!);
      const stored = await growth.post('/v1/mesh/connections', {
        userId: 'wrapped',
        payload: linkPayload,
      });
      expect(stored.status).toBe(201);
      expect(stored.body.items).toEqual([
        expect.objectContaining({
          accountId: account.account.accountId,
          status: 'active',
          metadata: expect.objectContaining({ kind: 'account', brokerType: 'robinhood' }),
        }),
      ]);
      const token = await growth.get(`/v1/credentials/${stored.body.items[0].id}/token`);
      expect(token.body.accessToken).toBe(account.accessToken);
    });

    it('stores one credential per account from the bare accessToken object too', async () => {
      const payload = mesh.connectAccount({
        accounts: 2,
        brokerType: 'robinhood',
        brokerName: 'Robinhood',
      });
      for (const account of payload.accountTokens) {
        secrets.add(account.accessToken).add(account.refreshToken!);
      }
      const stored = await growth.post('/v1/mesh/connections', { userId: 'bob', payload });
      expect(stored.status).toBe(201);
      expect(stored.text).not.toContain(payload.accountTokens[0].accessToken);
      expect(
        (stored.body.items as { accountId: string }[]).map((item) => item.accountId).sort(),
      ).toEqual(payload.accountTokens.map((token) => token.account.accountId).sort());
      expect(stored.body.items[0]).toMatchObject({
        provider: 'mesh',
        userId: 'bob',
        status: 'active',
        metadata: { brokerType: 'robinhood', brokerName: 'Robinhood' },
      });
      expect(stored.body.items[0].refreshAt).not.toBeNull();

      const connections = await growth.get('/v1/mesh/connections?userId=bob');
      expect(connections.status).toBe(200);
      expect(connections.headers.get('cache-control')).toBe('no-store');
      expect(connections.body.items).toHaveLength(2);
      expect(connections.body.accessTokens).toEqual(
        expect.arrayContaining(
          payload.accountTokens.map((token) => ({
            accessToken: token.accessToken,
            brokerType: 'robinhood',
            brokerName: 'Robinhood',
            accountId: token.account.accountId,
            accountName: token.account.accountName,
          })),
        ),
      );
    });

    it('replaces the tokens of an account connected again, keeping one credential', async () => {
      const first = mesh.connectAccount({ accounts: 1 });
      const stored = await growth.post('/v1/mesh/connections', { userId: 'carol', payload: first });
      const next = mesh.connectAccount({ accounts: 1 });
      const again = {
        ...next,
        accountTokens: [{ ...next.accountTokens[0], account: first.accountTokens[0].account }],
      };
      const restored = await growth.post('/v1/mesh/connections', {
        userId: 'carol',
        payload: again,
      });
      expect(restored.body.items[0].id).toBe(stored.body.items[0].id);
      const connections = await growth.get('/v1/mesh/connections?userId=carol');
      expect(
        connections.body.accessTokens.map((entry: { accessToken: string }) => entry.accessToken),
      ).toEqual([again.accountTokens[0].accessToken]);
      for (const payload of [first, again]) {
        secrets
          .add(payload.accountTokens[0].accessToken)
          .add(payload.accountTokens[0].refreshToken!);
      }
    });

    it.each([
      [
        'no accounts',
        { brokerType: 'robinhood', brokerName: 'Robinhood', accountTokens: [] },
        'payload.accountTokens',
      ],
      [
        'no broker type',
        { brokerName: 'R', accountTokens: [{ account: { accountId: 'a' }, accessToken: 't' }] },
        'payload.brokerType',
      ],
      [
        'an account without an access token',
        { brokerType: 'r', brokerName: 'R', accountTokens: [{ account: { accountId: 'a' } }] },
        'payload.accountTokens[0].accessToken',
      ],
      [
        'a wrapped accessToken without broker',
        { accessToken: { accountTokens: [{ account: { accountId: 'a' }, accessToken: 't' }] } },
        'payload.accessToken.brokerType',
      ],
      [
        'a delayedAuth without its refresh token',
        { delayedAuth: { brokerType: 'r', brokerName: 'R', brokerBrandInfo: {} } },
        'payload.delayedAuth.refreshToken',
      ],
      ['both forms at once', { accessToken: {}, delayedAuth: {} }, 'payload'],
      ['nothing Mesh Link sends', { hello: 'world' }, 'payload'],
      [
        'a bad lifetime',
        {
          brokerType: 'r',
          brokerName: 'R',
          expiresInSeconds: -5,
          accountTokens: [{ account: { accountId: 'a' }, accessToken: 't' }],
        },
        'payload.expiresInSeconds',
      ],
    ])(
      'refuses a payload with %s, naming the field, and stores nothing',
      async (_label, payload, field) => {
        const answer = await growth.post('/v1/mesh/connections', { userId: 'erin', payload });
        expect(answer.status).toBe(400);
        expect((answer.body.errors as { field: string }[]).map((error) => error.field)).toContain(
          field,
        );
        expect(await storedRows('erin')).toEqual([]);
      },
    );

    it("should not return another team's connections", async () => {
      const rival = await createClient(gateway, { team: 'rival', providers: ['mesh'] });
      secrets.add(rival.apiKey);
      const connections = await new HttpClient(gateway.baseUrl, rival.apiKey).get(
        '/v1/mesh/connections?userId=bob',
      );
      expect(connections.body).toEqual({ accessTokens: [], items: [] });
    });

    it('refuses keys without the mesh provider or the scope', async () => {
      const other = await createClient(gateway, { team: 'growth', providers: ['stream-chat'] });
      const reader = await createClient(gateway, {
        team: 'growth',
        providers: ['mesh'],
        scopes: ['tokens:read'],
      });
      secrets.add(other.apiKey).add(reader.apiKey);
      expect(
        (await new HttpClient(gateway.baseUrl, other.apiKey).get('/v1/mesh/connections?userId=bob'))
          .status,
      ).toBe(403);
      expect(
        (
          await new HttpClient(gateway.baseUrl, reader.apiKey).post('/v1/mesh/link-tokens', {
            userId: 'x',
          })
        ).status,
      ).toBe(403);
    });
  });

  it('answers 503 provider_not_configured without keys', async () => {
    const bare = await startGateway();
    try {
      const client = await createClient(bare, { team: 'growth' });
      const answer = await new HttpClient(bare.baseUrl, client.apiKey).post(
        '/v1/mesh/link-tokens',
        { userId: 'x' },
      );
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('provider_not_configured');
    } finally {
      await bare.close();
    }
  });
});
