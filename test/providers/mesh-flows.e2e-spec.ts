import {
  FakeMesh,
  type IntegrationConnectedPayload,
  MESH_ACCOUNT_PATH,
  MESH_REFRESH_PATH,
  MESH_SANDBOX_MFA_CODE,
} from '@keyhouse/sandbox';
import {
  createClient,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startProviderGateway,
  stopProviderGateway,
  waitFor,
} from '@keyhouse/testing';

/**
 * Mesh's flows beyond a plain connection, over real HTTP against a fake that reads the
 * protocol on its own: delayed auth, MFA, deletion upstream, and deprecated answer fields.
 */
describe('Mesh flows', () => {
  const mesh = new FakeMesh({ clientId: 'mesh-client', clientSecret: 'mesh-secret-value-456' });
  let gateway: GatewayHarness;
  let growth: HttpClient;
  const secrets = new Set<string>(['mesh-secret-value-456']);

  const sentRefreshes = () =>
    mesh.requestsTo(MESH_REFRESH_PATH, 'POST').map((sent) => JSON.parse(sent.rawBody));

  /** An access-token connection stored the way a page passes it on. */
  const storeAccount = async (userId: string, options: Parameters<FakeMesh['linkPayload']>[0]) => {
    const payload = mesh.linkPayload(options) as { accessToken: IntegrationConnectedPayload };
    const [token] = payload.accessToken.accountTokens;
    secrets.add(token.accessToken).add(token.refreshToken!);
    const stored = await growth.post('/v1/mesh/connections', { userId, payload });
    expect(stored.status).toBe(201);
    return { id: stored.body.items[0].id as string, token };
  };

  beforeAll(async () => {
    ({ gateway, client: growth } = await startProviderGateway({
      fake: mesh,
      env: (baseUrl) => ({
        MESH_BASE_URL: baseUrl,
        MESH_CLIENT_ID: 'mesh-client',
        MESH_CLIENT_SECRET: 'mesh-secret-value-456',
        // The scheduler keeps exchanging a pending grant; short intervals keep the test quick.
        REFRESH_ENABLED: 'true',
        REFRESH_INTERVAL_MS: '100',
        REFRESH_RETRY_BASE_MS: '100',
      }),
      team: 'growth',
      provider: 'mesh',
      secrets,
    }));
  });

  afterEach(() => mesh.reset());

  afterAll(() => stopProviderGateway(gateway, mesh, secrets));

  describe('delayed auth', () => {
    it('exchanges the grant at once and answers one credential per account', async () => {
      const payload = mesh.connectDelayed({ accounts: 2 });
      secrets.add(payload.delayedAuth.refreshToken);
      const stored = await growth.post('/v1/mesh/connections', { userId: 'dana', payload });
      expect(stored.status).toBe(201);
      expect(stored.text).not.toContain(payload.delayedAuth.refreshToken);
      const items = stored.body.items as Array<Record<string, any>>;
      expect(items).toHaveLength(2);
      for (const item of items) {
        expect(item).toMatchObject({
          provider: 'mesh',
          userId: 'dana',
          accountId: expect.any(String),
          status: 'active',
          expiresAt: expect.any(String),
          metadata: { kind: 'account', brokerType: 'robinhood', brokerName: 'Robinhood' },
        });
      }
      // The grant's own row became the first account: its id is the one the accounts name.
      expect(items.map((item) => item.metadata.delayedAuthId)).toEqual([items[0].id, items[0].id]);
      // One exchange, exactly the documented body: no access token, no account yet.
      expect(sentRefreshes()).toEqual([
        { refreshToken: payload.delayedAuth.refreshToken, type: 'robinhood' },
      ]);

      const connections = await growth.get('/v1/mesh/connections?userId=dana');
      expect(connections.body.items).toHaveLength(2);
      expect(connections.body.accessTokens).toHaveLength(2);
      for (const entry of connections.body.accessTokens as { accessToken: string }[]) {
        secrets.add(entry.accessToken);
        expect(mesh.isAccessTokenValid(entry.accessToken)).toBe(true);
      }
      expect(mesh.presentations(payload.delayedAuth.refreshToken)).toBe(1);
    });

    it('keeps a grant whose exchange failed as one pending credential, and exchanges it later', async () => {
      mesh.failNext({ status: 503, path: MESH_REFRESH_PATH });
      const payload = mesh.connectDelayed({ accounts: 1 });
      secrets.add(payload.delayedAuth.refreshToken);
      const stored = await growth.post('/v1/mesh/connections', { userId: 'ezra', payload });
      expect(stored.status).toBe(201);
      expect(stored.body.items).toEqual([
        expect.objectContaining({
          accountId: null,
          status: 'active',
          expiresAt: null,
          lastError: 'http_503',
          metadata: { kind: 'delayed_auth', brokerType: 'robinhood', brokerName: 'Robinhood' },
        }),
      ]);
      const pendingId = stored.body.items[0].id as string;
      const listed = await growth.get('/v1/mesh/connections?userId=ezra');
      expect(listed.body).toEqual({ accessTokens: [], items: [stored.body.items[0]] });

      // The scheduler exchanges it: the same credential, now the account.
      const account = await waitFor('the pending grant to be exchanged', async () => {
        const current = await growth.get(`/v1/credentials/${pendingId}`);
        return current.body.accountId !== null && current.body;
      });
      expect(account).toMatchObject({ status: 'active', lastError: null });
      expect(mesh.presentations(payload.delayedAuth.refreshToken)).toBe(2);
      const token = await growth.get(`/v1/credentials/${pendingId}/token`);
      secrets.add(token.body.accessToken);
      expect(mesh.isAccessTokenValid(token.body.accessToken)).toBe(true);
    });
  });

  describe('MFA', () => {
    let pendingId: string;

    const needsReauthReasons = async (id: string) =>
      (
        await queryDatabase<{ reason: string }>(
          gateway.database.url,
          `SELECT data->>'reason' AS reason FROM events
            WHERE type = 'credential.needs_reauth' AND data->>'id' = $1`,
          [id],
        )
      ).map((event) => event.reason);

    it('marks a refresh stopped for a code needs_reauth with mfa_required', async () => {
      const payload = mesh.connectDelayed({ brokerType: 'vanguard', accounts: 1 });
      secrets.add(payload.delayedAuth.refreshToken);
      const stored = await growth.post('/v1/mesh/connections', { userId: 'val', payload });
      expect(stored.status).toBe(201);
      expect(stored.body.items).toEqual([
        expect.objectContaining({
          accountId: null,
          status: 'needs_reauth',
          lastError: 'mfa_required',
        }),
      ]);
      pendingId = stored.body.items[0].id;
      // The interim token is kept sealed: never in plain text in the row.
      const [row] = await queryDatabase<{ sealed: Buffer | null }>(
        gateway.database.url,
        'SELECT encrypted_interim_token AS sealed FROM credentials WHERE id = $1',
        [pendingId],
      );
      expect(row.sealed).toBeInstanceOf(Buffer);
      // The team is told, like any needs_reauth: one event, with the reason.
      expect(await needsReauthReasons(pendingId)).toEqual(['mfa_required']);
    });

    it("answers 404 for another team's credential and 400 for a missing code", async () => {
      const rival = await createClient(gateway, { team: 'rival', providers: ['mesh'] });
      secrets.add(rival.apiKey);
      const answer = await new HttpClient(gateway.baseUrl, rival.apiKey).post(
        `/v1/credentials/${pendingId}/mfa`,
        { code: MESH_SANDBOX_MFA_CODE },
      );
      expect(answer.status).toBe(404);
      expect((await growth.post(`/v1/credentials/${pendingId}/mfa`, {})).status).toBe(400);
      expect(sentRefreshes()).toEqual([]);
    });

    it('answers 424 for a refused code and keeps waiting for a good one', async () => {
      const refused = await growth.post(`/v1/credentials/${pendingId}/mfa`, { code: '000000' });
      expect(refused.status).toBe(424);
      expect(refused.body.code).toBe('needs_reauth');
      const current = await growth.get(`/v1/credentials/${pendingId}`);
      expect(current.body).toMatchObject({ status: 'needs_reauth', lastError: 'mfa_required' });
      // Still waiting, so no new state and no second event.
      expect(await needsReauthReasons(pendingId)).toEqual(['mfa_required']);
    });

    it('completes the refresh with the right code: 200, active, the account', async () => {
      const completed = await growth.post(`/v1/credentials/${pendingId}/mfa`, {
        code: MESH_SANDBOX_MFA_CODE,
      });
      expect(completed.status).toBe(200);
      expect(completed.body).toMatchObject({
        id: pendingId,
        status: 'active',
        lastError: null,
        accountId: expect.any(String),
        metadata: { kind: 'account', brokerType: 'vanguard' },
      });
      // The second call: the same refresh token, the code, and the interim access token.
      const [second] = sentRefreshes();
      expect(Object.keys(second).sort()).toEqual([
        'accessToken',
        'mfaCode',
        'refreshToken',
        'type',
      ]);
      expect(second).toMatchObject({ type: 'vanguard', mfaCode: MESH_SANDBOX_MFA_CODE });
      const token = await growth.get(`/v1/credentials/${pendingId}/token`);
      secrets.add(token.body.accessToken).add(second.accessToken);
      expect(mesh.isAccessTokenValid(token.body.accessToken)).toBe(true);
    });

    it("stops a connected account's scheduled refresh for a code, and completes it", async () => {
      const { id, token } = await storeAccount('vera', {
        brokerType: 'vanguard',
        needsMfa: true,
        expiresInSeconds: 30,
        refreshedExpiresInSeconds: 3_600,
      });
      const waiting = await waitFor('the refresh to stop for a code', async () => {
        const current = await growth.get(`/v1/credentials/${id}`);
        return current.body.lastError === 'mfa_required' && current.body;
      });
      expect(waiting).toMatchObject({ status: 'needs_reauth', accountId: token.account.accountId });
      const completed = await growth.post(`/v1/credentials/${id}/mfa`, {
        code: MESH_SANDBOX_MFA_CODE,
      });
      expect(completed.status).toBe(200);
      expect(completed.body).toMatchObject({
        id,
        status: 'active',
        accountId: token.account.accountId,
      });
      const [row] = await queryDatabase<{ sealed: Buffer | null }>(
        gateway.database.url,
        'SELECT encrypted_interim_token AS sealed FROM credentials WHERE id = $1',
        [id],
      );
      expect(row.sealed).toBeNull();
      const read = await growth.get(`/v1/credentials/${id}/token`);
      secrets.add(read.body.accessToken);
      for (const body of sentRefreshes()) {
        secrets.add(body.accessToken);
      }
      expect(mesh.isAccessTokenValid(read.body.accessToken)).toBe(true);
    });

    it('answers 409 when the credential is not waiting for a code', async () => {
      const again = await growth.post(`/v1/credentials/${pendingId}/mfa`, { code: '123456' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('conflict');
      expect(sentRefreshes()).toEqual([]);
    });
  });

  describe('refresh answers', () => {
    it('reads an answer that carries only the deprecated top-level fields', async () => {
      // Alpaca answers in the deprecated fields; 30 s is inside the lead, so a read refreshes.
      const { id, token } = await storeAccount('olga', {
        brokerType: 'alpaca',
        expiresInSeconds: 30,
        refreshedExpiresInSeconds: 3_600,
      });
      const read = await growth.get(`/v1/credentials/${id}/token`);
      expect(read.status).toBe(200);
      secrets.add(read.body.accessToken);
      expect(read.body.accessToken).not.toBe(token.accessToken);
      expect(mesh.isAccessTokenValid(read.body.accessToken)).toBe(true);
      // The rotated refresh token was kept from the deprecated field: the next refresh works.
      const renewed = await gateway.admin.post(`/admin/credentials/${id}/refresh`, {});
      expect(renewed.status).toBe(200);
      expect(sentRefreshes().map((body) => body.refreshToken)).toEqual([
        token.refreshToken,
        expect.not.stringMatching(token.refreshToken!),
      ]);
    });

    it("sends WeBull's access token with its refresh", async () => {
      const { id, token } = await storeAccount('wes', {
        brokerType: 'weBull',
        expiresInSeconds: 30,
        refreshedExpiresInSeconds: 3_600,
      });
      const read = await growth.get(`/v1/credentials/${id}/token`);
      expect(read.status).toBe(200);
      secrets.add(read.body.accessToken);
      expect(sentRefreshes()).toEqual([
        { refreshToken: token.refreshToken, type: 'weBull', accessToken: token.accessToken },
      ]);
    });
  });

  it('hands a development key only tokens with at most an hour left', async () => {
    const development = await createClient(gateway, {
      team: 'growth',
      providers: ['mesh'],
      development: true,
    });
    secrets.add(development.apiKey);
    const dev = new HttpClient(gateway.baseUrl, development.apiKey);
    const hour = await storeAccount('devon', { expiresInSeconds: 3_600 });
    expect((await dev.get(`/v1/credentials/${hour.id}/token`)).status).toBe(200);
    expect((await dev.get('/v1/mesh/connections?userId=devon')).status).toBe(200);

    const day = await storeAccount('devon', { expiresInSeconds: 86_400 });
    const refused = await dev.get(`/v1/credentials/${day.id}/token`);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/at most 3600 seconds/);
    expect(refused.text).not.toContain(day.token.accessToken);
    expect((await dev.get('/v1/mesh/connections?userId=devon')).status).toBe(403);
    expect((await growth.get(`/v1/credentials/${day.id}/token`)).status).toBe(200);
  });

  describe('deletion', () => {
    it('removes the connection at Mesh; the fake then refuses its refresh token', async () => {
      const { id, token } = await storeAccount('del', { accounts: 1 });
      expect((await growth.delete(`/v1/credentials/${id}`)).status).toBe(204);
      const [sent] = mesh.requestsTo(MESH_ACCOUNT_PATH, 'DELETE');
      expect(JSON.parse(sent.rawBody)).toEqual({ authToken: token.accessToken, type: 'robinhood' });
      expect(sent.headers['x-client-id']).toBe('mesh-client');
      expect(mesh.deletedAccountCount).toBe(1);
      const refused = await fetch(`${mesh.baseUrl}${MESH_REFRESH_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-client-id': mesh.clientId,
          'x-client-secret': mesh.clientSecret,
        },
        body: JSON.stringify({ refreshToken: token.refreshToken, type: 'robinhood' }),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ message: 'Unauthorized token' });
    });

    it.each([
      [
        400,
        { status: 'badRequest', message: 'no', errorType: 'missingField', content: null },
        'missingField',
      ],
      [503, undefined, 'http_503'],
    ])(
      'erases locally when Mesh answers %i, and audits the upstream code',
      async (status, body, code) => {
        const { id } = await storeAccount(`audit-${status}`, { accounts: 1 });
        mesh.failNext({ status, path: MESH_ACCOUNT_PATH, ...(body && { body }) });
        expect((await growth.delete(`/v1/credentials/${id}`)).status).toBe(204);
        expect((await growth.get(`/v1/credentials/${id}`)).body.status).toBe('revoked');
        const audit = await waitFor('the failed upstream revocation audit', async () => {
          const events = await gateway.admin.get(
            `/admin/audit?credentialId=${id}&action=credential.revoked`,
          );
          return (events.body.items as Array<Record<string, any>>).find(
            (event) => event.outcome === 'failure',
          );
        });
        expect(audit.details).toEqual({ stage: 'upstream', code });
      },
    );
  });
});
