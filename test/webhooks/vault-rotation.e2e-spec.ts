import {
  createClient,
  createTestDatabase,
  HttpClient,
  queryDatabase,
  startGateway,
  TEST_ROTATED_KEYRING,
  TEST_VAULT_KEY_A,
  TEST_VAULT_KEY_B,
  type TestDatabase,
  waitFor,
  WebhookReceiver,
} from '@keyhouse/testing';

/** Webhook secrets are sealed under vault keys like tokens, and vault rotation re-wraps them. */
describe('webhook secrets and vault key rotation', () => {
  let database: TestDatabase;
  const receiver = new WebhookReceiver();
  let key: string;
  let webhookId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await receiver.start();
    const before = await startGateway({ database, env: { VAULT_KEYS: TEST_VAULT_KEY_A } });
    try {
      key = (await createClient(before, { team: 'growth', scopes: ['webhooks:write'] })).apiKey;
      const created = await new HttpClient(before.baseUrl, key).post('/v1/webhooks', {
        url: receiver.url,
        events: ['*'],
      });
      expect(created.status).toBe(201);
      webhookId = created.body.id;
      receiver.secrets = [created.body.secret];
    } finally {
      await before.close();
    }
  });

  afterAll(async () => {
    await receiver.stop();
    await database.drop();
  });

  it('refuses to start without the key that wraps a webhook secret', async () => {
    await expect(startGateway({ database, env: { VAULT_KEYS: TEST_VAULT_KEY_B } })).rejects.toThrow(
      /"test-a" \(wraps 0 credentials, 1 vault_held_keys, 1 webhook endpoints\)/,
    );
  });

  it('re-wraps webhook secrets to the active key; deliveries still verify after the old key is gone', async () => {
    const rotating = await startGateway({
      database,
      env: TEST_ROTATED_KEYRING,
    });
    try {
      // The webhook secret and the vault-held key of the upstream user ids.
      expect((await rotating.admin.get('/admin/vault/keys')).body.pendingRewrap).toBe(2);
      expect((await rotating.admin.post('/admin/vault/rotate')).status).toBe(202);
      await waitFor('the rotation to finish', async () => {
        const status = await rotating.admin.get('/admin/vault/keys');
        return status.body.pendingRewrap === 0 && !status.body.rotation.running;
      });
    } finally {
      await rotating.close();
    }
    const rows = await queryDatabase<{ data_key_id: string }>(
      database.url,
      `SELECT data_key_id FROM webhook_endpoints`,
    );
    expect(rows).toEqual([{ data_key_id: 'test-b' }]);

    const after = await startGateway({
      database,
      env: {
        VAULT_KEYS: TEST_VAULT_KEY_B,
        REFRESH_ENABLED: 'true',
        WEBHOOK_INTERVAL_MS: '50',
      },
    });
    try {
      const test = await new HttpClient(after.baseUrl, key).post(`/v1/webhooks/${webhookId}/test`);
      expect(test.status).toBe(202);
      const received = await waitFor(
        'the delivery',
        () => receiver.deliveriesOf(test.body.eventId)[0],
      );
      expect(received.verifiedWith).toEqual([0]);
    } finally {
      await after.close();
    }
  });
});
