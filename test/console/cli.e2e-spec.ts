import { environmentIntegrationId } from '@keyhouse/integrations';
import { FakeMesh, FakeStreamChat } from '@keyhouse/sandbox';
import {
  type CliResult,
  createClient,
  createTestDatabase,
  expectNoSecretsExposed,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  runCli,
  seedCredential,
  startCli,
  startGateway,
  TEST_ROTATED_KEYRING,
  TEST_VAULT_KEY_A,
  TEST_VAULT_KEY_B,
  type TestDatabase,
  waitFor,
  WebhookReceiver,
} from '@keyhouse/testing';

const MESH = { MESH_CLIENT_ID: 'mesh-client', MESH_CLIENT_SECRET: 'mesh-secret-cli-321' };
const SEEDED = 120;
const CHAT_SECRET = 'chat-secret-cli-right-0123456789';
const WRONG_CHAT_SECRET = 'chat-secret-cli-wrong-9876543210';
// What the first start seals under the old key besides them: the key of the upstream user ids.
const PENDING = SEEDED + 1;

describe('keyhouse CLI against a real gateway', () => {
  const mesh = new FakeMesh({
    clientId: MESH.MESH_CLIENT_ID,
    clientSecret: MESH.MESH_CLIENT_SECRET,
  });
  const secrets = new Set<string>([
    MESH.MESH_CLIENT_SECRET,
    TEST_VAULT_KEY_A,
    TEST_VAULT_KEY_B,
    CHAT_SECRET,
    WRONG_CHAT_SECRET,
  ]);
  /** Every output, scanned for secrets at the end; created keys only where they were made. */
  const outputs: { where: string; text: string }[] = [];
  const shownOnce = new Map<string, string>();
  const receiver = new WebhookReceiver();
  const chat = new FakeStreamChat({ apiKey: 'cli-chat-key', apiSecret: CHAT_SECRET });
  let database: TestDatabase;
  let gateway: GatewayHarness;
  let teamKey: string;
  let credentialId: string;

  const env = (key?: string) => ({
    KEYHOUSE_URL: gateway.baseUrl,
    KEYHOUSE_ADMIN_KEY: key ?? gateway.adminKey,
  });
  const cli = async (
    args: string[],
    key?: string,
    extra: { env?: Record<string, string>; input?: string } = {},
  ): Promise<CliResult> => {
    const result = await runCli(args, { ...env(key), ...extra.env }, extra.input);
    outputs.push({
      where: `keyhouse ${args.join(' ')}`,
      text: `${result.stdout}\n${result.stderr}`,
    });
    // Never a stack trace, whatever happened.
    expect(result.stderr).not.toMatch(/\n\s+at /);
    return result;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const before = await startGateway({ database, env: { VAULT_KEYS: TEST_VAULT_KEY_A } });
    for (let index = 0; index < SEEDED; index++) {
      await seedCredential(before, {
        team: 'seeded',
        provider: 'tpa-stream',
        userId: `seed-${index}`,
      });
    }
    await before.close();
    gateway = await startGateway({
      database,
      env: {
        ...MESH,
        MESH_BASE_URL: await mesh.start(),
        ...TEST_ROTATED_KEYRING,
        // The scheduler sends webhooks; nothing seeded falls due during the test.
        REFRESH_ENABLED: 'true',
        WEBHOOK_INTERVAL_MS: '100',
      },
    });
    secrets.add(gateway.adminKey);
    teamKey = (await createClient(gateway, { team: 'growth', providers: ['mesh'] })).apiKey;
    secrets.add(teamKey);
    const payload = mesh.connectAccount({ accounts: 1, refreshedExpiresInSeconds: 3_600 });
    secrets.add(payload.accountTokens[0].accessToken).add(payload.accountTokens[0].refreshToken!);
    const stored = await new HttpClient(gateway.baseUrl, teamKey).post('/v1/mesh/connections', {
      userId: 'ada',
      payload,
    });
    credentialId = stored.body.items[0].id;
  });

  afterAll(async () => {
    try {
      expectNoSecretsExposed(outputs, secrets, shownOnce);
      expectNoSecretsInLogs(gateway.logs, secrets);
    } finally {
      await gateway?.close();
      await receiver.stop();
      await chat.stop();
      await mesh.stop();
      await database?.drop();
    }
  });

  it('status: counts by provider and status, queue and vault, as a table or JSON', async () => {
    const json = await cli(['status', '--json']);
    expect(json.code).toBe(0);
    expect(json.json()).toMatchObject({
      refresh: {
        credentials: { 'tpa-stream': { active: SEEDED }, mesh: { active: 1 } },
        dueNow: 0,
      },
      vault: { activeKeyId: 'test-b', pendingRewrap: PENDING },
    });
    const human = await cli(['status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/tpa-stream\s*│\s*120/);
    expect(human.stdout).toContain('Vault active key');
  });

  it('clients create|list|rotate|delete, the key printed once', async () => {
    const created = await cli([
      'clients',
      'create',
      '--name',
      'ci',
      '--team',
      'ops',
      '--scopes',
      'tokens:read',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const client = created.json();
    expect(client).toMatchObject({
      name: 'ci',
      team: 'ops',
      scopes: ['tokens:read'],
      providers: ['*'],
    });
    expect(client.apiKey).toMatch(/^kh_live_/);
    secrets.add(client.apiKey);
    shownOnce.set(
      client.apiKey,
      'keyhouse clients create --name ci --team ops --scopes tokens:read --json',
    );

    const listed = await cli(['clients', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.json().items.map((item: any) => item.id)).toContain(client.id);
    expect((await cli(['clients', 'list'])).stdout).toMatch(/ci\s*│\s*ops/);

    const rotated = await cli(['clients', 'rotate', client.id, '--json']);
    expect(rotated.code).toBe(0);
    const newKey = rotated.json().apiKey;
    expect(newKey).not.toBe(client.apiKey);
    secrets.add(newKey);
    shownOnce.set(newKey, `keyhouse clients rotate ${client.id} --json`);
    expect(
      (await new HttpClient(gateway.baseUrl, client.apiKey).get('/v1/credentials')).status,
    ).toBe(401);

    const unconfirmed = await cli(['clients', 'delete', client.id]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    const deleted = await cli(['clients', 'delete', client.id, '--yes', '--json']);
    expect(deleted.code).toBe(0);
    expect(deleted.json()).toEqual({ id: client.id, deleted: true });
    expect((await new HttpClient(gateway.baseUrl, newKey).get('/v1/credentials')).status).toBe(401);

    const again = await cli(['clients', 'rotate', client.id]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/^error: .+\nhint: .+/);
  });

  it('refuses a bad request with the problem detail, a hint and exit 7', async () => {
    const bad = await cli([
      'clients',
      'create',
      '--name',
      'x',
      '--team',
      'ops',
      '--scopes',
      'nonsense',
    ]);
    expect(bad.code).toBe(7);
    expect(bad.stderr).toContain('scopes');
    expect(bad.stderr).toContain('hint:');
    const json = await cli([
      'clients',
      'create',
      '--name',
      'x',
      '--team',
      'ops',
      '--scopes',
      'nonsense',
      '--json',
    ]);
    expect(json.code).toBe(7);
    expect(JSON.parse(json.stderr).error).toMatchObject({
      exitCode: 7,
      problem: { code: 'validation_failed', status: 400 },
    });
  });

  it('credentials list|show|refresh|revoke', async () => {
    const listed = await cli([
      'credentials',
      'list',
      '--team',
      'growth',
      '--provider',
      'mesh',
      '--json',
    ]);
    expect(listed.code).toBe(0);
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: credentialId, status: 'active' }),
    ]);
    const expiring = await cli([
      'credentials',
      'list',
      '--expiring-within',
      '2h',
      '--limit',
      '5',
      '--json',
    ]);
    expect(expiring.json().items).toHaveLength(5);
    expect((await cli(['credentials', 'list', '--expiring-within', 'soon'])).code).toBe(2);

    const refreshed = await cli(['credentials', 'refresh', credentialId, '--json']);
    expect(refreshed.code).toBe(0);
    expect(refreshed.json()).toMatchObject({
      id: credentialId,
      status: 'active',
      lastRefreshedAt: expect.any(String),
    });

    const shown = await cli(['credentials', 'show', credentialId, '--json']);
    expect(shown.code).toBe(0);
    expect(shown.json().credential.id).toBe(credentialId);
    expect(shown.json().timeline.map((event: any) => event.action)).toEqual(
      expect.arrayContaining(['credential.stored', 'credential.refreshed']),
    );
    expect((await cli(['credentials', 'show', credentialId])).stdout).toContain(
      'credential.refreshed',
    );

    expect((await cli(['credentials', 'revoke', credentialId])).code).toBe(2);
    const revoked = await cli(['credentials', 'revoke', credentialId, '--yes', '--json']);
    expect(revoked.code).toBe(0);
    const refused = await cli(['credentials', 'refresh', credentialId]);
    expect(refused.code).toBe(7);
    expect(refused.stderr).toContain('hint:');
    expect((await cli(['credentials', 'show', '00000000-0000-4000-8000-000000000000'])).code).toBe(
      6,
    );
  });

  it('vault keys, then rotate --wait with a progress bar that ends at 100%', async () => {
    const keys = await cli(['vault', 'keys', '--json']);
    expect(keys.code).toBe(0);
    expect(keys.json()).toMatchObject({ activeKeyId: 'test-b', pendingRewrap: PENDING });
    expect((await cli(['vault', 'keys'])).stdout).toMatch(/test-a\s*│\s*older\s*│\s*120/);

    const rotated = await cli(['vault', 'rotate', '--wait', '--json']);
    expect(rotated.code).toBe(0);
    expect(rotated.json()).toMatchObject({ pendingRewrap: 0, activeKeyId: 'test-b' });
    expect(rotated.stderr).toMatch(/100% \| 0 to go/);
    expect((await gateway.admin.get('/admin/vault/keys')).body.pendingRewrap).toBe(0);
  });

  it("webhooks list: every team's endpoints with their delivery health, never a secret", async () => {
    expect((await cli(['webhooks', 'list'])).stdout).toContain('No webhook endpoints yet');
    const hooks = await createClient(gateway, {
      team: 'growth',
      name: 'growth-hooks',
      scopes: ['webhooks:write'],
    });
    secrets.add(hooks.apiKey);
    const growth = new HttpClient(gateway.baseUrl, hooks.apiKey);
    const created = await growth.post('/v1/webhooks', {
      url: await receiver.start(),
      events: ['credential.needs_reauth'],
      description: 'CRM sync',
    });
    expect(created.status).toBe(201);
    secrets.add(created.body.secret).add(created.body.secret.slice('whsec_'.length));
    expect((await growth.post(`/v1/webhooks/${created.body.id}/test`)).status).toBe(202);
    await waitFor('the test delivery', () => receiver.received.length === 1);

    const listed = await waitFor('the delivery counted', async () => {
      const result = await cli(['webhooks', 'list', '--team', 'growth', '--json']);
      return result.json().items[0]?.health.succeeded === 1 && result;
    });
    expect(listed.code).toBe(0);
    expect(listed.json().items).toEqual([
      {
        id: created.body.id,
        team: 'growth',
        url: receiver.url,
        events: ['credential.needs_reauth'],
        description: 'CRM sync',
        enabled: true,
        previousSecretExpiresAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        health: {
          pending: 0,
          succeeded: 1,
          failed: 0,
          lastSucceededAt: expect.any(String),
          lastFailedAt: null,
        },
      },
    ]);
    const table = await cli(['webhooks', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/growth\s*│.*│\s*enabled\s*│\s*healthy\s*│\s*0\s*│\s*1\s*│\s*0/);
    expect(table.stdout).toContain(receiver.url);
    const other = await cli(['webhooks', 'list', '--team', 'nobody', '--json']);
    expect(other.code).toBe(0);
    expect(other.json()).toEqual({ items: [] });
    expect((await cli(['webhooks', 'list', '--team', 'nobody'])).stdout).toContain(
      'No webhook endpoints for team nobody',
    );
    const bad = await cli(['webhooks', 'list', '--team', 'x'.repeat(300)]);
    expect(bad.code).toBe(7);
    expect(bad.stderr).toMatch(/^error: .*team[\s\S]*\nhint: .+/);
    expect((await cli(['webhooks', 'list', '--team'])).code).toBe(2);
  });

  it('integrations providers|create|list|show|check|update|delete, never printing a secret', async () => {
    const providers = await cli(['integrations', 'providers', '--json']);
    expect(providers.code).toBe(0);
    expect(providers.json().items).toContainEqual(
      expect.objectContaining({
        provider: 'stream-chat',
        secrets: [expect.objectContaining({ name: 'apiSecret' })],
      }),
    );
    expect((await cli(['integrations', 'providers'])).stdout).toMatch(
      /stream-chat\s*│\s*baseUrl\? apiKey\s*│\s*apiSecret/,
    );

    const chatUrl = await chat.start();
    // The secret comes from a pipe, so it lands in no shell history.
    const createArgs = [
      'integrations',
      'create',
      '--provider',
      'stream-chat',
      '--name',
      'partners chat',
      '--team',
      'partners',
      '--setting',
      `baseUrl=${chatUrl}`,
      '--setting',
      'apiKey=cli-chat-key',
      '--secret-stdin',
      'apiSecret',
      '--json',
    ];
    const created = await cli(createArgs, undefined, { input: `${WRONG_CHAT_SECRET}\n` });
    expect(created.code).toBe(0);
    const integration = created.json();
    expect(integration).toMatchObject({
      provider: 'stream-chat',
      name: 'partners chat',
      teams: ['partners'],
      settings: { baseUrl: chatUrl, apiKey: 'cli-chat-key' },
      secretFields: ['apiSecret'],
      userIds: 'verbatim',
      readOnly: false,
    });
    expect(integration).not.toHaveProperty('secrets');
    const id: string = integration.id;

    const listed = await cli(['integrations', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.json().items.map((item: any) => [item.name, item.readOnly])).toEqual([
      ['environment', true],
      ['partners chat', false],
    ]);
    const table = await cli(['integrations', 'list']);
    expect(table.stdout).toMatch(/stream-chat\s*│\s*partners chat\s*│\s*partners\s*│\s*verbatim/);
    expect(table.stdout).toMatch(/mesh\s*│\s*environment \(read-only\)/);
    const shown = await cli(['integrations', 'show', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/secrets\s+apiSecret/);

    // The wrong secret: the check says so, exits 9 and says what to do.
    const failed = await cli(['integrations', 'check', id]);
    expect(failed.code).toBe(9);
    expect(failed.stderr).toMatch(
      /^error: Check failed \(upstream_misconfigured\): .+\nhint: .*--secret-stdin/,
    );
    const failedJson = await cli(['integrations', 'check', id, '--json']);
    expect(failedJson.code).toBe(9);
    expect(failedJson.json()).toMatchObject({ ok: false, code: 'upstream_misconfigured' });
    expect(JSON.parse(failedJson.stderr).error.exitCode).toBe(9);

    // The right one from an environment variable, and a second team.
    const updated = await cli(
      [
        'integrations',
        'update',
        id,
        '--secret-env',
        'apiSecret=CHAT_SECRET',
        '--team',
        'partners,ops',
        '--user-ids',
        'derived',
        '--json',
      ],
      undefined,
      { env: { CHAT_SECRET } },
    );
    expect(updated.code).toBe(0);
    expect(updated.json()).toMatchObject({ teams: ['partners', 'ops'], userIds: 'derived' });
    expect(Date.parse(updated.json().secretsUpdatedAt)).toBeGreaterThan(
      Date.parse(integration.secretsUpdatedAt),
    );
    const passed = await cli(['integrations', 'check', id, '--json']);
    expect(passed.code).toBe(0);
    expect(passed.json()).toEqual({ ok: true });
    expect((await cli(['integrations', 'check', id])).stdout).toContain('Check passed');
    const environment = await cli([
      'integrations',
      'check',
      environmentIntegrationId('mesh'),
      '--json',
    ]);
    expect(environment.json()).toEqual({ ok: true });

    // Usage mistakes exit 2 without echoing what was typed; refusals exit 7, unknown ids 6.
    expect((await cli(['integrations', 'update', id])).code).toBe(2);
    const bare = await cli(['integrations', 'update', id, '--secret', CHAT_SECRET]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--secret takes name=value');
    expect((await cli(['integrations', 'update', id, '--secret-stdin', 'apiSecret'])).code).toBe(2);
    const unset = await cli(['integrations', 'update', id, '--secret-env', 'apiSecret=NOPE']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOPE is not set');
    const unknownField = await cli(['integrations', 'update', id, '--setting', 'colour=blue']);
    expect(unknownField.code).toBe(7);
    expect(unknownField.stderr).toContain('settings.colour');
    const readOnly = await cli([
      'integrations',
      'update',
      environmentIntegrationId('mesh'),
      '--name',
      'x',
    ]);
    expect(readOnly.code).toBe(7);
    expect(readOnly.stderr).toContain('read-only');
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await cli(['integrations', 'show', missing])).code).toBe(6);
    expect((await cli(['integrations', 'check', missing])).code).toBe(6);

    expect((await cli(['integrations', 'delete', id])).code).toBe(2);
    const deleted = await cli(['integrations', 'delete', id, '--yes', '--json']);
    expect(deleted.code).toBe(0);
    expect(deleted.json()).toEqual({ id, deleted: true });
    expect((await cli(['integrations', 'show', id])).code).toBe(6);
    const audit = await gateway.admin.get('/admin/audit?limit=200');
    const actions = audit.body.items
      .filter(
        (event: any) => event.details?.integrationId === id || event.provider === 'stream-chat',
      )
      .map((event: any) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'integration.created',
        'integration.checked',
        'integration.updated',
        'integration.deleted',
      ]),
    );
  });

  it('audit tail prints the latest events, then follows new ones', async () => {
    const once = await cli(['audit', 'tail', '--no-follow', '-n', '3', '--json']);
    expect(once.code).toBe(0);
    const lines = once.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(new Date(lines[0].at).getTime()).toBeLessThanOrEqual(new Date(lines[2].at).getTime());

    const tail = startCli(
      ['audit', 'tail', '--json', '--interval', '0.2', '--action', 'client.created'],
      env(),
    );
    let stdout = '';
    tail.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await waitFor('the first events', () => stdout.includes('client.created'));
      const created = await createClient(gateway, { team: 'late', name: 'followed' });
      secrets.add(created.apiKey);
      await waitFor('the new event', () => stdout.includes(created.id));
      outputs.push({ where: 'keyhouse audit tail', text: stdout });
    } finally {
      tail.kill();
    }
  });

  it('exits 3, 4 and 5 for missing configuration, no gateway and a key that is not an admin key', async () => {
    const unset = await runCli(['status'], { KEYHOUSE_URL: gateway.baseUrl });
    expect(unset).toMatchObject({ code: 3 });
    expect(unset.stderr).toContain('KEYHOUSE_ADMIN_KEY');
    const down = await runCli(['status'], {
      KEYHOUSE_URL: 'http://127.0.0.1:9',
      KEYHOUSE_ADMIN_KEY: 'x'.repeat(40),
    });
    expect(down.code).toBe(4);
    const team = await cli(['status'], teamKey);
    expect(team.code).toBe(5);
    expect(team.stderr).toContain('admin scope');
    expect((await cli(['no-such-command'])).code).toBe(2);
  });
});
