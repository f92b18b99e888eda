import { loadConfig } from '@keyhouse/config';
import { environmentIntegrationId } from '@keyhouse/integrations';
import {
  PROVIDER_REGISTRY,
  providerNames,
  providerVariables,
  type Sandbox,
  startSandbox,
} from '@keyhouse/providers';
import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  startGateway,
} from '@keyhouse/testing';
// The provider lives in its folder under test/support; this suite is the one line that
// registers it.
import { ECHO_DEFINITION } from '../support/sixth-provider/echo.definition';
import { FakeEcho } from '../support/sixth-provider/fake-echo';

const PROVIDERS = [...PROVIDER_REGISTRY, ECHO_DEFINITION];

/**
 * "A provider is one folder": echo (test/support/sixth-provider/) is a folder and one
 * registry line, and with nothing else it has configuration variables, a sandbox fake,
 * validated integrations, API client grants, minting through the common issuer and the
 * credential routes, and the integration check.
 */
describe('a sixth provider from one folder and one registry line', () => {
  let sandbox: Sandbox;
  let fake: FakeEcho;
  let gateway: GatewayHarness;
  const secrets = new Set<string>();

  const clientFor = async (team: string, providers = ['echo']) => {
    const client = await createClient(gateway, { team, providers });
    secrets.add(client.apiKey);
    return new HttpClient(gateway.baseUrl, client.apiKey);
  };

  beforeAll(async () => {
    // Only echo's fake: the other five stay unconfigured in this gateway.
    sandbox = await startSandbox({ providers: [ECHO_DEFINITION] });
    fake = sandbox.fake(FakeEcho);
    secrets.add(fake.keySecret);
    gateway = await startGateway({ env: sandbox.environment(), providers: PROVIDERS });
    secrets.add(gateway.adminKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
    await sandbox.stop();
  });

  it('is not in the production registry', () => {
    expect(providerNames(PROVIDER_REGISTRY)).not.toContain('echo');
  });

  describe('configuration', () => {
    it('has its variables, filled by its sandbox fake', () => {
      expect(Object.keys(sandbox.environment()).sort()).toEqual([
        'ECHO_BASE_URL',
        'ECHO_KEY_ID',
        'ECHO_KEY_SECRET',
      ]);
      expect(gateway.config.providers.echo).toMatchObject({
        baseUrl: fake.baseUrl,
        configured: true,
      });
    });

    it('gets the default URL, the half-configured warning and validation by name', () => {
      const variables = providerVariables(PROVIDERS);
      const half = loadConfig(variables, { ECHO_KEY_ID: 'id-only' });
      expect(half.providers.echo.baseUrl).toBe('https://echo.example.invalid');
      expect(half.warnings).toEqual([
        'ECHO_KEY_ID is set but ECHO_KEY_SECRET is not: the provider is only half configured',
      ]);
      expect(() => loadConfig(variables, { ECHO_BASE_URL: 'not a url' })).toThrow(
        /ECHO_BASE_URL must be a URL address/,
      );
    });
  });

  describe('integrations', () => {
    it('lists its read-only environment integration', async () => {
      const listed = await gateway.admin.get('/admin/integrations');
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          id: environmentIntegrationId('echo'),
          provider: 'echo',
          name: 'environment',
          settings: { baseUrl: fake.baseUrl, keyId: fake.keyId },
          secretFields: ['keySecret'],
          readOnly: true,
        }),
      ]);
    });

    it('validates stored integrations against its fields', async () => {
      const refused = await gateway.admin.post('/admin/integrations', {
        provider: 'echo',
        name: 'bad echo',
        teams: ['blue'],
        settings: { baseUrl: 'ftp://x', keyId: 'k', colour: 'blue' },
        secrets: {},
      });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('validation_failed');
      expect(refused.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
        'secrets.keySecret',
        'settings.baseUrl',
        'settings.colour',
      ]);
    });

    it('checks an integration with one harmless upstream call', async () => {
      const created = await gateway.admin.post('/admin/integrations', {
        provider: 'echo',
        name: 'blue echo',
        teams: ['blue'],
        settings: { baseUrl: fake.baseUrl, keyId: fake.keyId },
        secrets: { keySecret: 'not-the-secret-value' },
      });
      expect(created.status).toBe(201);
      secrets.add('not-the-secret-value');
      const check = (id: string) => gateway.admin.post(`/admin/integrations/${id}/check`, {});
      expect((await check(created.body.id)).body).toEqual({
        ok: false,
        code: 'upstream_misconfigured',
        detail: expect.any(String),
      });
      expect((await check(environmentIntegrationId('echo'))).body).toEqual({ ok: true });
    });
  });

  describe('API clients', () => {
    it('can be granted, and is named among the known providers', async () => {
      const grant = (providers: string[]) =>
        gateway.admin.post('/admin/clients', {
          name: `granted ${providers.join(', ')}`,
          team: 'growth',
          scopes: ['tokens:issue'],
          providers,
        });
      const granted = await grant(['echo']);
      expect(granted.status).toBe(201);
      secrets.add(granted.body.apiKey);
      const refused = await grant(['nope']);
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('echo');
    });

    it('is refused to a key granted other providers only (403)', async () => {
      const other = await clientFor('growth', ['mesh']);
      const answer = await other.post('/v1/echo/tokens', { userId: 'bob' });
      expect(answer.status).toBe(403);
    });
  });

  describe('minting', () => {
    it('mints through its route, stores through the issuer, reads through /v1/credentials', async () => {
      const growth = await clientFor('growth');
      const minted = await growth.post('/v1/echo/tokens', { userId: 'bob' });
      expect(minted.status).toBe(200);
      expect(minted.headers.get('cache-control')).toBe('no-store');
      secrets.add(minted.body.token);
      // The environment integration serves every team: the user id echo sees is derived.
      expect(minted.body.upstreamUserId).toMatch(/^kh_[0-9a-f]{40}$/);
      expect(fake.verify(minted.body.token)?.sub).toBe(minted.body.upstreamUserId);

      const listed = await growth.get('/v1/credentials?userId=bob&provider=echo');
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({ provider: 'echo', userId: 'bob', status: 'active' }),
      ]);
      const read = await growth.get(`/v1/credentials/${listed.body.items[0].id}/token`);
      expect(read.status).toBe(200);
      expect(read.body.accessToken).toBe(minted.body.token);
      // No revoke capability: deleting erases Keyhouse's copy only.
      const deleted = await growth.delete(`/v1/credentials/${listed.body.items[0].id}`);
      expect(deleted.status).toBe(204);
    });

    it('validates its body like every route (400 problem+json)', async () => {
      const growth = await clientFor('growth');
      const answer = await growth.post('/v1/echo/tokens', { userId: '' });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
    });

    it('turns an upstream failure into the common problem, classified by its answers file', async () => {
      fake.failNext({ status: 503, times: 10 });
      const growth = await clientFor('growth');
      const answer = await growth.post('/v1/echo/tokens', { userId: 'carol' });
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('upstream_unavailable');
      fake.reset();
      fake.failNext({ status: 401 });
      const refused = await growth.post('/v1/echo/tokens', { userId: 'carol' });
      expect(refused.status).toBe(502);
      expect(refused.body.code).toBe('upstream_error');
    });
  });
});
