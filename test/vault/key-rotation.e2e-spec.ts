import {
  createClient,
  createTestDatabase,
  fakeToken,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  seedCredential,
  startGateway,
  TEST_ROTATED_KEYRING,
  TEST_VAULT_KEY_A,
  TEST_VAULT_KEY_B,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';

const CREDENTIALS = 300;
const READERS = 4;

describe('vault key rotation', () => {
  let database: TestDatabase;
  const seeded: { id: string; accessToken: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const before = await startGateway({ database, env: { VAULT_KEYS: TEST_VAULT_KEY_A } });
    for (let index = 0; index < CREDENTIALS; index++) {
      const accessToken = fakeToken('rotating');
      const credential = await seedCredential(before, {
        team: 'growth',
        userId: `user-${index}`,
        accessToken,
      });
      seeded.push({ id: credential.id, accessToken });
    }
    await before.close();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('refuses to start without a key that still wraps data, naming it and the count', async () => {
    const attempt = startGateway({ database, env: { VAULT_KEYS: TEST_VAULT_KEY_B } });
    await expect(attempt).rejects.toThrow(
      new RegExp(`"test-a" \\(wraps ${CREDENTIALS} credentials, 1 vault_held_keys\\)`),
    );
  });

  it('re-wraps every data key to the new key while reads go on, without a failed read', async () => {
    const gateway: GatewayHarness = await startGateway({
      database,
      env: TEST_ROTATED_KEYRING,
    });
    try {
      const { apiKey } = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
      const client = new HttpClient(gateway.baseUrl, apiKey);
      const before = await gateway.admin.get('/admin/vault/keys');
      // The credentials, and the vault-held key of the upstream user ids.
      expect(before.body).toMatchObject({ activeKeyId: 'test-b', pendingRewrap: CREDENTIALS + 1 });
      expect(before.body.keys).toEqual(
        expect.arrayContaining([
          {
            id: 'test-a',
            active: false,
            configured: true,
            credentials: CREDENTIALS,
            sealedRows: { integrations: 0, vault_held_keys: 1, 'webhook endpoints': 0 },
          },
          {
            id: 'test-b',
            active: true,
            configured: true,
            credentials: 0,
            sealedRows: { integrations: 0, vault_held_keys: 0, 'webhook endpoints': 0 },
          },
        ]),
      );

      let rotating = true;
      const failures: string[] = [];
      let reads = 0;
      const reader = async (offset: number) => {
        for (let index = offset; rotating || index < offset + 20; index += READERS) {
          const expected = seeded[index % seeded.length];
          const answer = await client.get(`/v1/credentials/${expected.id}/token`);
          reads++;
          if (answer.status !== 200 || answer.body.accessToken !== expected.accessToken) {
            failures.push(`${answer.status} ${answer.body.code ?? ''}`);
          }
        }
      };
      const readers = Array.from({ length: READERS }, (_, offset) => reader(offset));

      const started = await gateway.admin.post('/admin/vault/rotate');
      expect(started.status).toBe(202);
      expect(started.body.rotation.running).toBe(true);
      const done = await waitFor(
        'every data key to be re-wrapped',
        async () => {
          const status = await gateway.admin.get('/admin/vault/keys');
          return status.body.pendingRewrap === 0 && !status.body.rotation.running
            ? status
            : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 20 },
      );
      rotating = false;
      await Promise.all(readers);

      expect(failures).toEqual([]);
      expect(reads).toBeGreaterThan(READERS * 20);
      expect(done.body.rotation).toMatchObject({ rewrapped: CREDENTIALS + 1, lastError: null });
      expect(done.body.keys).toEqual(
        expect.arrayContaining([
          {
            id: 'test-a',
            active: false,
            configured: true,
            credentials: 0,
            sealedRows: { integrations: 0, vault_held_keys: 0, 'webhook endpoints': 0 },
          },
          {
            id: 'test-b',
            active: true,
            configured: true,
            credentials: CREDENTIALS,
            sealedRows: { integrations: 0, vault_held_keys: 1, 'webhook endpoints': 0 },
          },
        ]),
      );
      const byKey = await queryDatabase<{ data_key_id: string; count: string }>(
        database.url,
        'SELECT data_key_id, count(*) FROM credentials GROUP BY data_key_id',
      );
      expect(byKey).toEqual([{ data_key_id: 'test-b', count: String(CREDENTIALS) }]);
      const audit = await gateway.admin.get('/admin/audit?action=vault.rotation_started');
      expect(audit.body.items).toHaveLength(1);
    } finally {
      await gateway.close();
    }
  });

  it('then serves every token with the old key retired', async () => {
    const gateway = await startGateway({ database, env: { VAULT_KEYS: TEST_VAULT_KEY_B } });
    try {
      const { apiKey } = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
      const client = new HttpClient(gateway.baseUrl, apiKey);
      for (const expected of seeded.slice(0, 25)) {
        expect((await client.get(`/v1/credentials/${expected.id}/token`)).body.accessToken).toBe(
          expected.accessToken,
        );
      }
    } finally {
      await gateway.close();
    }
  });
});
