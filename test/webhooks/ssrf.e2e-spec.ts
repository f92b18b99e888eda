import {
  createClient,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
} from '@keyhouse/testing';

/**
 * Under production settings webhook URLs must be https and must not reach loopback,
 * private or link-local addresses, by literal or by a name that resolves there. (Names
 * resolving to 10.x and 169.254.x without real DNS are covered by
 * libs/webhooks/src/webhook-address-guard.spec.ts with an injected resolver.)
 */
describe('webhook SSRF protection in production', () => {
  let gateway: GatewayHarness;
  let growth: HttpClient;

  beforeAll(async () => {
    gateway = await startGateway({ env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' } });
    expect(gateway.config.webhooks.allowPrivateNetworks).toBe(false);
    const { apiKey } = await createClient(gateway, { team: 'growth', scopes: ['webhooks:write'] });
    growth = new HttpClient(gateway.baseUrl, apiKey);
  });

  afterAll(async () => {
    await gateway.close();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://127.0.0.1:8443/hook',
    'https://10.0.0.5/hook',
    'https://10.255.1.1/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://172.16.0.1/hook',
    'https://192.168.0.10/hook',
    'https://[::1]/hook',
    'https://[::ffff:10.0.0.5]/hook',
    'https://[fe80::1]/hook',
    'https://0.0.0.0/hook',
    'https://localhost/hook',
    'http://example.com/hook',
  ])('refuses %s on registration and on update', async (url) => {
    const created = await growth.post('/v1/webhooks', { url, events: ['*'] });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'url', message: expect.any(String) }],
    });
    expect(created.text).not.toMatch(/stack|QueryFailed/);
  });

  it('changes nothing when it refuses', async () => {
    const rows = await queryDatabase(gateway.database.url, `SELECT 1 FROM webhook_endpoints`);
    expect(rows).toHaveLength(0);
  });

  it('refuses an internal URL on update too', async () => {
    // An https URL on a public literal passes registration without DNS; it is never sent to here.
    const created = await growth.post('/v1/webhooks', {
      url: 'https://93.184.216.34/hook',
      events: ['credential.expired'],
    });
    expect(created.status).toBe(201);
    const updated = await growth.request('PATCH', `/v1/webhooks/${created.body.id}`, {
      body: { url: 'https://169.254.169.254/' },
    });
    expect(updated.status).toBe(400);
    expect((await growth.get(`/v1/webhooks/${created.body.id}`)).body.url).toBe(
      'https://93.184.216.34/hook',
    );
  });
});
