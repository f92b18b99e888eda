import {
  expectNoSecretsInLogs,
  type GatewayHarness,
  queryDatabase,
  startGateway,
  waitFor,
} from '@keyhouse/testing';

describe('/admin/clients', () => {
  let gateway: GatewayHarness;
  const secrets = new Set<string>();

  const newClient = (overrides: Record<string, unknown> = {}) => ({
    name: 'growth-backend',
    team: 'growth',
    scopes: ['tokens:issue', 'tokens:read'],
    providers: ['mesh'],
    ...overrides,
  });

  beforeAll(async () => {
    gateway = await startGateway();
    secrets.add(gateway.adminKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
  });

  it('creates a client and shows its key exactly once', async () => {
    const created = await gateway.admin.post('/admin/clients', newClient({ maxRole: 'COHOST' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'growth-backend',
      team: 'growth',
      scopes: ['tokens:issue', 'tokens:read'],
      providers: ['mesh'],
      maxRole: 'COHOST',
      development: false,
      lastUsedAt: null,
    });
    const apiKey = created.body.apiKey as string;
    secrets.add(apiKey);
    expect(apiKey).toMatch(/^kh_live_[A-Za-z0-9_-]{43}$/);
    expect(created.body.keyPrefix).toBe(apiKey.slice(0, 12));

    const fetched = await gateway.admin.get(`/admin/clients/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty('apiKey');
    expect(fetched.text).not.toContain(apiKey.slice(12));
  });

  it('issues development keys with their own prefix', async () => {
    const created = await gateway.admin.post('/admin/clients', newClient({ development: true }));
    secrets.add(created.body.apiKey);
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatch(/^kh_dev_/);
    expect(created.body.development).toBe(true);
  });

  it('lists clients with key prefixes only, and pages with a cursor', async () => {
    for (let index = 0; index < 3; index++) {
      const created = await gateway.admin.post(
        '/admin/clients',
        newClient({ name: `pager-${index}` }),
      );
      secrets.add(created.body.apiKey);
    }
    const all = await gateway.admin.get('/admin/clients?limit=200');
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    for (const item of all.body.items as Record<string, unknown>[]) {
      expect(item).not.toHaveProperty('apiKey');
      expect(item).not.toHaveProperty('keyHash');
    }
    for (const secret of secrets) {
      expect(all.text).not.toContain(secret);
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await gateway.admin.get(
        `/admin/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.items as { id: string }[]).map((item) => item.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual((all.body.items as { id: string }[]).map((item) => item.id));
  });

  it('stores only a hash of the key', async () => {
    const created = await gateway.admin.post('/admin/clients', newClient());
    secrets.add(created.body.apiKey);
    const rows = await queryDatabase<Record<string, unknown>>(
      gateway.database.url,
      'SELECT * FROM api_clients WHERE id = $1',
      [created.body.id],
    );
    expect(JSON.stringify(rows)).not.toContain(created.body.apiKey);
    expect((rows[0].key_hash as Buffer).length).toBe(32);
  });

  it('rotates a key: the new one works and the old one stops at once', async () => {
    const created = await gateway.admin.post(
      '/admin/clients',
      newClient({ scopes: ['admin'], providers: [] }),
    );
    const oldKey = created.body.apiKey as string;
    secrets.add(oldKey);
    expect((await gateway.http.get('/admin/clients', { key: oldKey })).status).toBe(200);

    const rotated = await gateway.admin.post(`/admin/clients/${created.body.id}/rotate`);
    expect(rotated.status).toBe(200);
    const newKey = rotated.body.apiKey as string;
    secrets.add(newKey);
    expect(newKey).not.toBe(oldKey);
    expect(rotated.body.keyPrefix).toBe(newKey.slice(0, 12));

    const withOld = await gateway.http.get('/admin/clients', { key: oldKey });
    expect(withOld.status).toBe(401);
    expect(withOld.body.code).toBe('unauthenticated');
    expect((await gateway.http.get('/admin/clients', { key: newKey })).status).toBe(200);
  });

  it('deletes a client: its key stops working at once and it leaves the list', async () => {
    const created = await gateway.admin.post(
      '/admin/clients',
      newClient({ scopes: ['admin'], providers: [] }),
    );
    const key = created.body.apiKey as string;
    secrets.add(key);
    expect((await gateway.http.get('/admin/clients', { key })).status).toBe(200);

    const deleted = await gateway.admin.delete(`/admin/clients/${created.body.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await gateway.http.get('/admin/clients', { key })).status).toBe(401);
    const listed = await gateway.admin.get('/admin/clients?limit=200');
    expect((listed.body.items as { id: string }[]).map((item) => item.id)).not.toContain(
      created.body.id,
    );
    expect((await gateway.admin.get(`/admin/clients/${created.body.id}`)).status).toBe(404);
    expect((await gateway.admin.delete(`/admin/clients/${created.body.id}`)).status).toBe(404);
  });

  it('answers 404 for an unknown id and 400 for an id that is not a UUID', async () => {
    const unknown = await gateway.admin.post(
      '/admin/clients/6f1c8f8e-6b7a-4f43-9d1e-0c1f2a3b4c5d/rotate',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
    const malformed = await gateway.admin.delete('/admin/clients/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('validation_failed');
  });

  it('refuses unknown providers, scopes and roles', async () => {
    const before = await gateway.admin.get('/admin/clients?limit=200');
    for (const body of [
      newClient({ providers: ['myspace'] }),
      newClient({ scopes: ['tokens:everything'] }),
      newClient({ maxRole: 'OWNER' }),
    ]) {
      const answer = await gateway.admin.post('/admin/clients', body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
      expect(answer.body.errors.length).toBeGreaterThan(0);
    }
    const after = await gateway.admin.get('/admin/clients?limit=200');
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('records when a key was last used', async () => {
    const created = await gateway.admin.post(
      '/admin/clients',
      newClient({ scopes: ['admin'], providers: [] }),
    );
    secrets.add(created.body.apiKey);
    await gateway.http.get('/admin/clients', { key: created.body.apiKey });
    const lastUsedAt = await waitFor('last_used_at to be recorded', async () => {
      const fetched = await gateway.admin.get(`/admin/clients/${created.body.id}`);
      return (fetched.body.lastUsedAt as string | null) ?? undefined;
    });
    expect(new Date(lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});
