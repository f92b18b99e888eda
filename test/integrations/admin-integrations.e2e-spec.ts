import { environmentIntegrationId } from '@keyhouse/integrations';
import { FakeStreamChat } from '@keyhouse/sandbox';
import {
  createClient,
  dumpDatabase,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  startGateway,
  TEST_ROTATED_KEYRING,
  TEST_VAULT_KEY_A,
  TEST_VAULT_KEY_B,
  waitFor,
} from '@keyhouse/testing';

const ENV_SECRET = 'env-stream-secret-value-0123456789';
const STORED_SECRET = 'stored-stream-secret-value-9876543210';
const ROTATED_SECRET = 'rotated-stream-secret-value-5555555555';

describe('Admin: integrations', () => {
  const envApp = new FakeStreamChat({ apiKey: 'env-key', apiSecret: ENV_SECRET });
  const storedApp = new FakeStreamChat({ apiKey: 'stored-key', apiSecret: STORED_SECRET });
  let gateway: GatewayHarness;
  let storedUrl: string;
  const secrets = new Set([ENV_SECRET, STORED_SECRET, ROTATED_SECRET]);

  const create = (body: Record<string, unknown>) => gateway.admin.post('/admin/integrations', body);
  const streamChat = (teams: string[], extra: Record<string, unknown> = {}) =>
    create({
      provider: 'stream-chat',
      name: `chat for ${teams.join('+')}`,
      teams,
      settings: { baseUrl: storedUrl, apiKey: 'stored-key' },
      secrets: { apiSecret: STORED_SECRET },
      ...extra,
    });
  const clientFor = async (team: string) => {
    const client = await createClient(gateway, { team });
    secrets.add(client.apiKey);
    return new HttpClient(gateway.baseUrl, client.apiKey);
  };

  beforeAll(async () => {
    const envUrl = await envApp.start();
    storedUrl = await storedApp.start();
    gateway = await startGateway({
      env: {
        STREAM_CHAT_BASE_URL: envUrl,
        STREAM_CHAT_API_KEY: 'env-key',
        STREAM_CHAT_API_SECRET: ENV_SECRET,
        VAULT_KEYS: `${TEST_VAULT_KEY_A},${TEST_VAULT_KEY_B}`,
        VAULT_ACTIVE_KEY: 'test-a',
      },
    });
    secrets.add(gateway.adminKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
    await envApp.stop();
    await storedApp.stop();
  });

  it('lists the environment integration, read-only, with secret names only', async () => {
    const listed = await gateway.admin.get('/admin/integrations');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      {
        id: environmentIntegrationId('stream-chat'),
        provider: 'stream-chat',
        name: 'environment',
        teams: ['*'],
        settings: { baseUrl: expect.any(String), apiKey: 'env-key' },
        secretFields: ['apiSecret'],
        secretsUpdatedAt: null,
        userIds: 'derived',
        readOnly: true,
        createdAt: null,
        updatedAt: null,
      },
    ]);
    expect(listed.text).not.toContain(ENV_SECRET);
    const id = environmentIntegrationId('stream-chat');
    expect((await gateway.admin.patch(`/admin/integrations/${id}`, { name: 'x' })).status).toBe(
      409,
    );
    expect((await gateway.admin.delete(`/admin/integrations/${id}`)).status).toBe(409);
  });

  it('lists the providers and their fields, so a form can ask for them', async () => {
    const listed = await gateway.admin.get('/admin/integrations/providers');
    expect(listed.status).toBe(200);
    const byName = new Map<string, any>(
      listed.body.items.map((item: any) => [item.provider, item]),
    );
    expect([...byName.keys()].sort()).toEqual([
      'api-stream',
      'mesh',
      'mydatahelps',
      'stream-chat',
      'tpa-stream',
    ]);
    expect(byName.get('stream-chat')).toEqual({
      provider: 'stream-chat',
      settings: [
        expect.objectContaining({ name: 'baseUrl', kind: 'url', optional: true }),
        expect.objectContaining({ name: 'apiKey', kind: 'text', optional: false }),
      ],
      secrets: [
        expect.objectContaining({ name: 'apiSecret', optional: false, defaultValue: null }),
      ],
      upstreamUserIds: 'chosen',
    });
    expect(byName.get('mydatahelps').upstreamUserIds).toBe('provider-owned');
  });

  it('creates one for a team, never answering its secrets, and audits it', async () => {
    const created = await streamChat(['alpha']);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      provider: 'stream-chat',
      teams: ['alpha'],
      settings: { baseUrl: storedUrl, apiKey: 'stored-key' },
      secretFields: ['apiSecret'],
      secretsUpdatedAt: expect.any(String),
      userIds: 'verbatim',
      readOnly: false,
    });
    expect(created.text).not.toContain(STORED_SECRET);
    const read = await gateway.admin.get(`/admin/integrations/${created.body.id}`);
    expect(read.body).toEqual(created.body);
    const audit = await gateway.admin.get('/admin/audit?action=integration.created');
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].details).toMatchObject({ integrationId: created.body.id });
    expect(audit.text).not.toContain(STORED_SECRET);

    // The team's own integration serves it; other teams stay on the environment's.
    const alpha = await clientFor('alpha');
    const beta = await clientFor('beta');
    const mintedA = await alpha.post('/v1/stream-chat/tokens', { userId: 'ann' });
    const mintedB = await beta.post('/v1/stream-chat/tokens', { userId: 'ann' });
    expect(mintedA.body).toMatchObject({ apiKey: 'stored-key', upstreamUserId: 'ann' });
    expect(mintedB.body.apiKey).toBe('env-key');
    expect(storedApp.isUserTokenValid(mintedA.body.token)).toBe(true);
    expect(envApp.isUserTokenValid(mintedB.body.token)).toBe(true);
    secrets.add(mintedA.body.token).add(mintedB.body.token);
  });

  it.each([
    ['an unknown provider', { provider: 'nope' }],
    [
      'an unknown setting',
      { settings: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k', extra: 'x' } },
    ],
    ['a missing secret', { secrets: {} }],
    ['a secret that is not a string', { secrets: { apiSecret: 42 } }],
    ['a base URL that is not http(s)', { settings: { baseUrl: 'ftp://x', apiKey: 'k' } }],
    ['"*" with teams', { teams: ['*', 'gamma'] }],
    ['no teams', { teams: [] }],
    ['a bad userIds', { userIds: 'hashed' }],
    ['an unknown field', { colour: 'blue' }],
  ])('refuses %s with 400, storing nothing', async (_label, change) => {
    const before = (await gateway.admin.get('/admin/integrations')).body.items.length;
    const answer = await streamChat(['gamma'], change);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    expect(answer.text).not.toContain(STORED_SECRET);
    expect((await gateway.admin.get('/admin/integrations')).body.items).toHaveLength(before);
  });

  it('allows one per team and one "*" per provider (409)', async () => {
    expect((await streamChat(['alpha', 'delta'])).status).toBe(409);
    const shared = await streamChat(['*']);
    expect(shared.status).toBe(201);
    expect(shared.body.userIds).toBe('derived');
    expect((await streamChat(['*'])).status).toBe(409);
    const other = await streamChat(['epsilon']);
    expect(
      (await gateway.admin.patch(`/admin/integrations/${other.body.id}`, { teams: ['alpha'] }))
        .status,
    ).toBe(409);
    expect(other.body.userIds).toBe('verbatim');
    // Unused, a one-team app that comes to serve two derives from then on.
    const grown = await gateway.admin.patch(`/admin/integrations/${other.body.id}`, {
      teams: ['epsilon', 'eta'],
    });
    expect(grown.status).toBe(200);
    expect(grown.body.userIds).toBe('derived');
    expect((await gateway.admin.delete(`/admin/integrations/${other.body.id}`)).status).toBe(204);
    expect((await gateway.admin.get(`/admin/integrations/${other.body.id}`)).status).toBe(404);
    // A stored "*" now serves every team without its own, before the environment's.
    const zeta = await clientFor('zeta');
    const minted = await zeta.post('/v1/stream-chat/tokens', { userId: 'zed' });
    expect(minted.body.apiKey).toBe('stored-key');
    expect(minted.body.upstreamUserId).toMatch(/^kh_[0-9a-f]{40}$/);
    secrets.add(minted.body.token);
    expect((await gateway.admin.delete(`/admin/integrations/${shared.body.id}`)).status).toBe(409);
  });

  it('keeps userIds while credentials use it, and refuses to delete it (409)', async () => {
    const [alpha] = (await gateway.admin.get('/admin/integrations')).body.items.filter(
      (item: { teams: string[] }) => item.teams.includes('alpha'),
    );
    const changed = await gateway.admin.patch(`/admin/integrations/${alpha.id}`, {
      userIds: 'derived',
    });
    expect(changed.status).toBe(409);
    expect((await gateway.admin.delete(`/admin/integrations/${alpha.id}`)).status).toBe(409);
    expect((await gateway.admin.get(`/admin/integrations/${alpha.id}`)).body.userIds).toBe(
      'verbatim',
    );
  });

  it('rotates a secret: the next token is signed with it, the answer shows only when', async () => {
    const [alpha] = (await gateway.admin.get('/admin/integrations')).body.items.filter(
      (item: { teams: string[] }) => item.teams.includes('alpha'),
    );
    const rotated = await gateway.admin.patch(`/admin/integrations/${alpha.id}`, {
      secrets: { apiSecret: ROTATED_SECRET },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.text).not.toContain(ROTATED_SECRET);
    expect(Date.parse(rotated.body.secretsUpdatedAt)).toBeGreaterThan(
      Date.parse(alpha.secretsUpdatedAt),
    );
    const minted = await (
      await clientFor('alpha')
    ).post('/v1/stream-chat/tokens', { userId: 'ann' });
    secrets.add(minted.body.token);
    expect(storedApp.isUserTokenValid(minted.body.token)).toBe(false);
    const check = await gateway.admin.post(`/admin/integrations/${alpha.id}/check`, {});
    expect(check.status).toBe(200);
    expect(check.body).toEqual({
      ok: false,
      code: 'upstream_misconfigured',
      detail: expect.any(String),
    });
    expect(check.text).not.toContain(ROTATED_SECRET);

    await gateway.admin.patch(`/admin/integrations/${alpha.id}`, {
      secrets: { apiSecret: STORED_SECRET },
    });
    expect((await gateway.admin.post(`/admin/integrations/${alpha.id}/check`, {})).body).toEqual({
      ok: true,
    });
    expect(storedApp.appReadCount).toBeGreaterThanOrEqual(1);
    const envCheck = await gateway.admin.post(
      `/admin/integrations/${environmentIntegrationId('stream-chat')}/check`,
      {},
    );
    expect(envCheck.body).toEqual({ ok: true });
  });

  it('documents every integration route in OpenAPI, with its response schema', async () => {
    const document = await gateway.http.get('/docs-json');
    const paths = document.body.paths;
    expect(Object.keys(paths['/admin/integrations']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/admin/integrations/{id}']).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ]);
    expect(paths['/admin/integrations/{id}/check'].post.responses['200']).toBeDefined();
    expect(paths['/admin/integrations/providers'].get.responses['200']).toBeDefined();
    const schemas = document.body.components.schemas;
    expect(schemas.IntegrationResponse.properties.secretFields).toBeDefined();
    expect(schemas.IntegrationResponse.properties.secrets).toBeUndefined();
    expect(schemas.IntegrationCheckResponse.properties.ok).toBeDefined();
    expect(schemas.UserTokenResponse.properties.upstreamUserId).toBeDefined();
    expect(schemas.LinkTokenResponse.properties.upstreamUserId).toBeDefined();
    expect(schemas.ApiStreamAccessTokenResponse.properties.upstreamUserId).toBeDefined();
    expect(gateway.logs.linesContaining('Duplicate DTO')).toEqual([]);
  });

  it('never stores a secret in the clear, and counts integrations per vault key', async () => {
    const dump = await dumpDatabase(gateway.database.url);
    for (const secret of [STORED_SECRET, ROTATED_SECRET]) {
      expect(dump).not.toContain(secret);
    }
    const before = await gateway.admin.get('/admin/vault/keys');
    const keyA = before.body.keys.find((key: { id: string }) => key.id === 'test-a');
    expect(keyA.sealedRows.integrations).toBeGreaterThanOrEqual(2);
    expect(keyA.sealedRows.vault_held_keys).toBe(1);
    expect(before.text).not.toContain(STORED_SECRET);
  });
});

describe('Admin: vault rotation re-wraps integrations', () => {
  it('moves every integration and held key to the active key, and they still open', async () => {
    const app = new FakeStreamChat({ apiKey: 'k', apiSecret: STORED_SECRET });
    const url = await app.start();
    const first = await startGateway({ env: { VAULT_KEYS: TEST_VAULT_KEY_A } });
    const created = await first.admin.post('/admin/integrations', {
      provider: 'stream-chat',
      name: 'shared',
      teams: ['*'],
      settings: { baseUrl: url, apiKey: 'k' },
      secrets: { apiSecret: STORED_SECRET },
    });
    expect(created.status).toBe(201);
    const client = await createClient(first, { team: 'omega' });
    const before = await new HttpClient(first.baseUrl, client.apiKey).post(
      '/v1/stream-chat/tokens',
      {
        userId: 'o',
      },
    );
    await first.app.close();

    const second = await startGateway({
      database: first.database,
      env: TEST_ROTATED_KEYRING,
    });
    expect((await second.admin.post('/admin/vault/rotate', {})).status).toBe(202);
    await waitFor(
      'the rotation to finish',
      async () => (await second.admin.get('/admin/vault/keys')).body.pendingRewrap === 0,
    );
    const keys = (await second.admin.get('/admin/vault/keys')).body.keys;
    const keyB = keys.find((key: { id: string }) => key.id === 'test-b');
    expect(keyB.sealedRows).toEqual({
      integrations: 1,
      vault_held_keys: 1,
      'webhook endpoints': 0,
    });
    await second.app.close();

    // Only the new key now: the integration opens and the derived ids are unchanged.
    const third = await startGateway({
      database: first.database,
      env: { VAULT_KEYS: TEST_VAULT_KEY_B },
    });
    const again = await new HttpClient(third.baseUrl, client.apiKey).post(
      '/v1/stream-chat/tokens',
      {
        userId: 'o',
      },
    );
    expect(again.status).toBe(200);
    expect(again.body.upstreamUserId).toBe(before.body.upstreamUserId);
    expect(app.isUserTokenValid(again.body.token)).toBe(true);
    await third.app.close();
    await first.database.drop();
    await app.stop();
  });
});

describe('Per-team integrations of one provider, in one process', () => {
  const first = new FakeStreamChat({
    apiKey: 'first-app',
    apiSecret: 'first-app-secret-0123456789',
  });
  const second = new FakeStreamChat({
    apiKey: 'second-app',
    apiSecret: 'second-app-secret-987654321',
  });
  let gateway: GatewayHarness;

  beforeAll(async () => {
    await Promise.all([first.start(), second.start()]);
    gateway = await startGateway();
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, [first.apiSecret, second.apiSecret]);
    await gateway.close();
    await Promise.all([first.stop(), second.stop()]);
  });

  it('reaches each team’s app with its keys; a moved team’s old credential keeps its app', async () => {
    const integration = async (app: FakeStreamChat, teams: string[]) => {
      const created = await gateway.admin.post('/admin/integrations', {
        provider: 'stream-chat',
        name: app.apiKey,
        teams,
        settings: { baseUrl: app.baseUrl, apiKey: app.apiKey },
        secrets: { apiSecret: app.apiSecret },
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const firstId = await integration(first, ['one']);
    const secondId = await integration(second, ['two']);
    const one = new HttpClient(
      gateway.baseUrl,
      (await createClient(gateway, { team: 'one' })).apiKey,
    );
    const two = new HttpClient(
      gateway.baseUrl,
      (await createClient(gateway, { team: 'two' })).apiKey,
    );

    const mintedOne = await one.post('/v1/stream-chat/tokens', { userId: 'sam' });
    const mintedTwo = await two.post('/v1/stream-chat/tokens', { userId: 'sam' });
    expect([mintedOne.body.apiKey, mintedTwo.body.apiKey]).toEqual(['first-app', 'second-app']);
    expect(first.isUserTokenValid(mintedOne.body.token)).toBe(true);
    expect(second.isUserTokenValid(mintedOne.body.token)).toBe(false);
    expect(second.isUserTokenValid(mintedTwo.body.token)).toBe(true);
    // One team each: ids go as they are.
    expect([mintedOne.body.upstreamUserId, mintedTwo.body.upstreamUserId]).toEqual(['sam', 'sam']);

    // Team one moves to the second app; its stored token still belongs to the first.
    const stored = (await one.get('/v1/credentials?userId=sam')).body.items[0];
    expect(
      (await gateway.admin.patch(`/admin/integrations/${firstId}`, { teams: ['zero'] })).status,
    ).toBe(200);
    // A one-team app that would serve two, while it holds credentials sent verbatim: 409,
    // unless the admin says verbatim again (then ids still go as they are).
    const grow = (body: object) => gateway.admin.patch(`/admin/integrations/${secondId}`, body);
    expect((await grow({ teams: ['two', 'one'] })).status).toBe(409);
    const grown = await grow({ teams: ['two', 'one'], userIds: 'verbatim' });
    expect(grown.status).toBe(200);
    expect(grown.body.userIds).toBe('verbatim');
    expect((await one.delete(`/v1/credentials/${stored.id}`)).status).toBe(204);
    expect(first.requestsTo('/users', 'PATCH')).toHaveLength(1);
    expect(second.requestsTo('/users', 'PATCH')).toHaveLength(0);
    expect(first.isUserTokenValid(mintedOne.body.token)).toBe(false);

    const moved = await one.post('/v1/stream-chat/tokens', { userId: 'sam' });
    expect(moved.body.apiKey).toBe('second-app');
    expect(second.isUserTokenValid(moved.body.token)).toBe(true);
    expect(moved.body.upstreamUserId).toBe('sam');
  });
});
