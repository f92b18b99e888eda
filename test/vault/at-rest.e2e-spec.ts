import {
  createClient,
  dumpDatabase,
  fakeToken,
  type GatewayHarness,
  HttpClient,
  seedCredential,
  startGateway,
  TEST_VAULT_KEY_A,
} from '@keyhouse/testing';

describe('data at rest', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('holds no token, key or secret in plaintext anywhere in the database', async () => {
    const secrets: string[] = [gateway.adminKey];
    const client = await createClient(gateway, { team: 'growth' });
    secrets.push(client.apiKey);
    const http = new HttpClient(gateway.baseUrl, client.apiKey);
    for (let index = 0; index < 20; index++) {
      const accessToken = fakeToken('access');
      const refreshToken = fakeToken('refresh');
      secrets.push(accessToken, refreshToken);
      const credential = await seedCredential(gateway, {
        team: 'growth',
        userId: `user-${index}`,
        accessToken,
        refreshToken,
        metadata: { brokerType: 'robinhood' },
      });
      expect((await http.get(`/v1/credentials/${credential.id}/token`)).body.accessToken).toBe(
        accessToken,
      );
      if (index % 5 === 0) {
        await http.delete(`/v1/credentials/${credential.id}`);
      }
    }
    const rotated = await gateway.admin.post(`/admin/clients/${client.id}/rotate`);
    secrets.push(rotated.body.apiKey);

    const vaultKey = Buffer.from(TEST_VAULT_KEY_A.split(':')[1], 'base64');
    const forbidden = [
      ...secrets,
      ...secrets.map((secret) => Buffer.from(secret).toString('hex')),
      ...secrets.map((secret) => Buffer.from(secret).toString('base64')),
      TEST_VAULT_KEY_A.split(':')[1],
      vaultKey.toString('hex'),
    ];
    const dump = await dumpDatabase(gateway.database.url);
    expect(dump).toContain('robinhood');
    expect(dump.length).toBeGreaterThan(10_000);
    expect(forbidden.filter((secret) => dump.includes(secret))).toEqual([]);
  });
});
