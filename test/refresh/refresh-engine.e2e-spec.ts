import { FakeMesh, MESH_REFRESH_PATH } from '@keyhouse/sandbox';
import {
  createClient,
  createTestDatabase,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  refreshingMeshEnv,
  startGateway,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';

const MESH = { MESH_CLIENT_ID: 'mesh-client', MESH_CLIENT_SECRET: 'mesh-secret-value-456' };

describe('refresh engine (one process, fake Mesh)', () => {
  const mesh = new FakeMesh({
    ...{ clientId: MESH.MESH_CLIENT_ID, clientSecret: MESH.MESH_CLIENT_SECRET },
    reusableRefreshTokenBrokers: ['coinbase'],
  });
  let database: TestDatabase;
  let gateway: GatewayHarness;
  let client: HttpClient;
  const secrets = new Set<string>([MESH.MESH_CLIENT_SECRET]);

  const connect = async (
    userId: string,
    options: Parameters<FakeMesh['connectAccount']>[0] = {},
  ) => {
    // Refreshed tokens live an hour, so each credential refreshes once within a test.
    const payload = mesh.connectAccount({
      accounts: 1,
      refreshedExpiresInSeconds: 3_600,
      ...options,
    });
    const token = payload.accountTokens[0];
    secrets.add(token.accessToken).add(token.refreshToken!);
    const stored = await client.post('/v1/mesh/connections', { userId, payload });
    expect(stored.status).toBe(201);
    return {
      id: stored.body.items[0].id as string,
      payload,
      accessToken: token.accessToken,
      refreshToken: token.refreshToken!,
    };
  };
  const row = async (id: string) =>
    (
      await queryDatabase<Record<string, any>>(
        database.url,
        'SELECT * FROM credentials WHERE id = $1',
        [id],
      )
    )[0];

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGateway({
      database,
      env: await refreshingMeshEnv(mesh),
    });
    const created = await createClient(gateway, { team: 'growth', providers: ['mesh'] });
    secrets.add(created.apiKey).add(gateway.adminKey);
    client = new HttpClient(gateway.baseUrl, created.apiKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
    await mesh.stop();
    await database.drop();
  });

  it('refreshes before expiry, once, with `type` on the wire, and stores the rotated refresh token', async () => {
    const connection = await connect('alice', { brokerType: 'robinhood', expiresInSeconds: 12 });
    const refreshed = await waitFor('the background refresh', async () => {
      const current = await row(connection.id);
      return current.last_refreshed_at ? current : undefined;
    });
    expect(refreshed.last_refreshed_at.getTime()).toBeLessThan(new Date(Date.now()).getTime());
    expect(mesh.presentations(connection.refreshToken)).toBe(1);
    const [sent] = mesh.requestsTo(MESH_REFRESH_PATH, 'POST');
    const body = JSON.parse(sent.rawBody);
    expect(body).toMatchObject({ refreshToken: connection.refreshToken, type: 'robinhood' });
    expect(body).not.toHaveProperty('brokerType');
    expect(sent.headers['x-client-id']).toBe('mesh-client');

    const token = await client.get(`/v1/credentials/${connection.id}/token`);
    secrets.add(token.body.accessToken);
    expect(token.body.accessToken).not.toBe(connection.accessToken);
    expect(mesh.isAccessTokenValid(token.body.accessToken)).toBe(true);
    // The next refresh is far off (the new token lives an hour) and uses the new refresh token.
    expect(refreshed.refresh_at.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(refreshed.attempts).toBe(0);
  });

  it('renews a lapsing refresh token with createNewRefreshToken', async () => {
    const connection = await connect('bob', {
      expiresInSeconds: 3_600,
      refreshTokenExpiresInSeconds: 12,
    });
    const before = await row(connection.id);
    await waitFor(
      'the refresh-token renewal',
      async () => (await row(connection.id)).last_refreshed_at ?? undefined,
    );
    const after = await row(connection.id);
    const body = JSON.parse(mesh.requestsTo(MESH_REFRESH_PATH).at(-1)!.rawBody);
    expect(body.createNewRefreshToken).toBe(true);
    expect(after.refresh_token_expires_at.getTime()).toBeGreaterThan(
      before.refresh_token_expires_at.getTime(),
    );
    expect(mesh.presentations(connection.refreshToken)).toBe(1);
    // Its 12-second refresh tokens renew every few seconds; stop it before the fault tests.
    expect((await client.delete(`/v1/credentials/${connection.id}`)).status).toBe(204);
  });

  it('keeps the old refresh token when the refresh returns none', async () => {
    const connection = await connect('carol', { brokerType: 'coinbase', expiresInSeconds: 12 });
    await waitFor(
      'the first refresh',
      async () => (await row(connection.id)).last_refreshed_at ?? undefined,
    );
    await gateway.admin.post(`/admin/credentials/${connection.id}/refresh`);
    // Reusable refresh tokens: both refreshes presented the same stored token.
    expect(mesh.presentations(connection.refreshToken)).toBe(2);
    expect(mesh.isRefreshTokenLive(connection.refreshToken)).toBe(true);
  });

  it('retries 503s with backoff, visible as attempts and last error, then succeeds', async () => {
    mesh.failNext({ status: 503, path: MESH_REFRESH_PATH, times: 3 });
    const connection = await connect('dave', { expiresInSeconds: 12 });
    const failing = await waitFor('a failed attempt to be recorded', async () => {
      const current = await row(connection.id);
      return current.attempts > 0 ? current : undefined;
    });
    expect(failing.last_error).toMatch(/^http_503|retries_exhausted|upstream/);
    await waitFor(
      'the refresh to succeed',
      async () => (await row(connection.id)).last_refreshed_at ?? undefined,
    );
    const done = await row(connection.id);
    expect(done).toMatchObject({ attempts: 0, last_error: null, status: 'active' });
    // Injected failures never consumed the token: it was accepted once.
    expect(mesh.isRefreshTokenLive(connection.refreshToken)).toBe(false);
    expect(mesh.presentations(connection.refreshToken)).toBe(4);
  });

  it('times out a hanging upstream and succeeds on a later attempt', async () => {
    mesh.hangNext({ ms: 2_000, path: MESH_REFRESH_PATH });
    const connection = await connect('erin', { expiresInSeconds: 12 });
    await waitFor(
      'the refresh after the hang',
      async () => (await row(connection.id)).last_refreshed_at ?? undefined,
    );
    const failures = await gateway.admin.get(
      `/admin/audit?credentialId=${connection.id}&action=credential.refresh_failed`,
    );
    expect(failures.body.items[0].details).toMatchObject({ code: 'timeout', willRetry: true });
  });

  it('marks a revoked refresh token needs_reauth at once, answers 424, and stops refreshing', async () => {
    const connection = await connect('frank', { expiresInSeconds: 12 });
    mesh.revokeRefreshToken(connection.refreshToken);
    const failed = await waitFor('needs_reauth', async () => {
      const current = await row(connection.id);
      return current.status === 'needs_reauth' ? current : undefined;
    });
    expect(failed).toMatchObject({ last_error: 'refresh_token_rejected', refresh_at: null });
    const read = await client.get(`/v1/credentials/${connection.id}/token`);
    expect(read.status).toBe(424);
    expect(read.body.code).toBe('needs_reauth');
    const connections = await client.get('/v1/mesh/connections?userId=frank');
    expect(connections.body.accessTokens).toEqual([]);
    expect(connections.body.items[0]).toMatchObject({
      status: 'needs_reauth',
      lastError: 'refresh_token_rejected',
    });
    expect(mesh.presentations(connection.refreshToken)).toBe(1);
  });

  it('treats a "failed" refresh as needing the user again', async () => {
    const connection = await connect('gina', { expiresInSeconds: 12 });
    mesh.failRefreshAsFailed(connection.refreshToken);
    await waitFor('needs_reauth', async () => (await row(connection.id)).status === 'needs_reauth');
    expect((await row(connection.id)).last_error).toBe('refresh_failed');
  });

  it('exchanges a delayed-auth grant for its account right away', async () => {
    const payload = mesh.connectDelayed({ accounts: 1, expiresInSeconds: 3_600 });
    secrets.add(payload.delayedAuth.refreshToken);
    const stored = await client.post('/v1/mesh/connections', { userId: 'hank', payload });
    const id = stored.body.items[0].id as string;
    await waitFor(
      'the first access token',
      async () => (await row(id)).encrypted_access_token ?? undefined,
    );
    const connections = await client.get('/v1/mesh/connections?userId=hank');
    expect(connections.body.accessTokens).toHaveLength(1);
    secrets.add(connections.body.accessTokens[0].accessToken);
  });

  it('marks a credential expired once its token lapsed and nothing can refresh it', async () => {
    const connection = await connect('kate', {
      expiresInSeconds: 3_600,
      refreshTokenExpiresInSeconds: 3_600,
    });
    // As if the worker fleet had been down for hours: both tokens lapsed, the row is due.
    await queryDatabase(
      database.url,
      `UPDATE credentials SET expires_at = now() - interval '1 hour', refresh_token_expires_at = now() - interval '1 minute',
              refresh_at = now() WHERE id = $1`,
      [connection.id],
    );
    const expired = await waitFor('expired', async () => {
      const current = await row(connection.id);
      return current.status === 'expired' ? current : undefined;
    });
    expect(expired).toMatchObject({ last_error: 'cannot_refresh', refresh_at: null });
    expect(mesh.presentations(connection.refreshToken)).toBe(0);
    const read = await client.get(`/v1/credentials/${connection.id}/token`);
    expect(read.status).toBe(424);
  });

  it('shows operators the refresh status and refreshes on request', async () => {
    const connection = await connect('iris', { expiresInSeconds: 3_600 });
    const refreshed = await gateway.admin.post(`/admin/credentials/${connection.id}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ id: connection.id, status: 'active', team: 'growth' });
    expect(refreshed.body.lastRefreshedAt).not.toBeNull();
    expect(refreshed.text).not.toContain(connection.accessToken);
    const status = await gateway.admin.get('/admin/refresh/status');
    expect(status.status).toBe(200);
    expect(status.body.credentials.mesh.active).toBeGreaterThan(0);
    expect(status.body.credentials.mesh.needs_reauth).toBeGreaterThanOrEqual(2);
    expect(status.body.schedulers).toHaveLength(1);
    expect(status.body.lastTickAt).not.toBeNull();
    expect(status.body.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'refresh_token_rejected', status: 'needs_reauth' }),
      ]),
    );
    const revoked = await gateway.admin.post(
      `/admin/credentials/${(await connect('jack')).id}/refresh`,
    );
    expect(revoked.status).toBe(200);
    const needsUser = await gateway.admin.post(
      `/admin/credentials/${(await client.get('/v1/credentials?userId=frank')).body.items[0].id}/refresh`,
    );
    expect(needsUser.status).toBe(424);
    const metrics = await gateway.http.get('/metrics');
    expect(metrics.text).toMatch(
      /keyhouse_refreshes_total\{provider="mesh",outcome="refreshed",trigger="schedule"\} [1-9]/,
    );
    expect(metrics.text).toContain('keyhouse_refresh_lateness_seconds_bucket');
    expect(metrics.text).toContain('keyhouse_refresh_due_backlog');
  });
});

describe('single flight', () => {
  const mesh = new FakeMesh({
    clientId: MESH.MESH_CLIENT_ID,
    clientSecret: MESH.MESH_CLIENT_SECRET,
  });
  let database: TestDatabase;
  let gateways: GatewayHarness[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...MESH, MESH_BASE_URL: await mesh.start(), REFRESH_MIN_LEAD_SECONDS: '60' };
    gateways = [await startGateway({ database, env }), await startGateway({ database, env })];
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await mesh.stop();
    await database.drop();
  });

  it.each([
    ['one process', 1],
    ['two processes', 2],
  ])(
    '50 concurrent reads inside the lead cause one upstream refresh (%s)',
    async (_label, processes) => {
      const [first] = gateways;
      const { apiKey } = await createClient(first, { team: 'growth', providers: ['mesh'] });
      const payload = mesh.connectAccount({
        accounts: 1,
        expiresInSeconds: 30,
        refreshedExpiresInSeconds: 3_600,
      });
      const stored = await new HttpClient(first.baseUrl, apiKey).post('/v1/mesh/connections', {
        userId: `reader-${processes}`,
        payload,
      });
      const id = stored.body.items[0].id as string;
      const oldToken = payload.accountTokens[0].accessToken;

      const reads = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          new HttpClient(gateways[index % processes].baseUrl, apiKey).get(
            `/v1/credentials/${id}/token`,
          ),
        ),
      );
      expect(reads.map((read) => read.status)).toEqual(Array(50).fill(200));
      const tokens = new Set(reads.map((read) => read.body.accessToken as string));
      expect(tokens.size).toBe(1);
      expect(tokens.has(oldToken)).toBe(false);
      expect(mesh.isAccessTokenValid([...tokens][0])).toBe(true);
      expect(mesh.presentations(payload.accountTokens[0].refreshToken!)).toBe(1);
    },
  );
});
