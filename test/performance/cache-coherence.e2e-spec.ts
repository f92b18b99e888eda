import { randomBytes } from 'node:crypto';
import { FakeMesh } from '@keyhouse/sandbox';
import {
  AppProcess,
  createTestDatabase,
  HttpClient,
  queryDatabase,
  TcpProxy,
  type TestDatabase,
  throughProxy,
  waitFor,
} from '@keyhouse/testing';

const ADMIN_KEY = `coherence-admin-${randomBytes(24).toString('base64url')}`;
const MESH_CLIENT = 'coherence-mesh';
const MESH_SECRET = 'coherence-mesh-secret-0123456789';
/** What every process must honour: a change made elsewhere, in force here within a second. */
const IN_FORCE_MS = 1_000;

/**
 * Each gateway holds API clients and credential rows in memory; the database's triggers
 * notify every change on one LISTEN connection per process. Three real processes on one
 * database: A and B listen directly, C listens through a proxy the test can cut.
 */
describe('in-memory API clients and credentials stay coherent across processes', () => {
  const mesh = new FakeMesh({ clientId: MESH_CLIENT, clientSecret: MESH_SECRET });
  let database: TestDatabase;
  let proxy: TcpProxy;
  let a: AppProcess;
  let b: AppProcess;
  let c: AppProcess;
  let credentialId: string;

  beforeAll(async () => {
    const meshUrl = await mesh.start();
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      SANDBOX: 'false',
      REFRESH_ENABLED: 'false',
      MESH_BASE_URL: meshUrl,
      MESH_CLIENT_ID: MESH_CLIENT,
      MESH_CLIENT_SECRET: MESH_SECRET,
    };
    const url = new URL(database.url);
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    const proxyPort = await proxy.start();
    // One after another: the first runs the migrations.
    a = await AppProcess.start('gateway', env);
    await a.waitUntilReady();
    [b, c] = await Promise.all([
      AppProcess.start('gateway', env),
      AppProcess.start('gateway', {
        ...env,
        DATABASE_LISTEN_URL: throughProxy(database.url, proxyPort),
      }),
    ]);
    await Promise.all([b.waitUntilReady(), c.waitUntilReady()]);
    const key = await newKey(a);
    const payload = mesh.connectAccount({ accounts: 1 });
    const stored = await new HttpClient(a.baseUrl, key.apiKey).post('/v1/mesh/connections', {
      userId: 'coherent-user',
      payload,
    });
    expect(stored.status).toBe(201);
    credentialId = stored.body.items[0].id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a, b, c].map((process) => process?.stop()));
    await proxy?.stop();
    await mesh.stop();
    await database?.drop();
  });

  const tokenPath = () => `/v1/credentials/${credentialId}/token`;

  /** Until the process's listener is up, reads go to the table; then they are held. */
  const warm = async (process: AppProcess, apiKey: string) => {
    const client = new HttpClient(process.baseUrl, apiKey);
    await waitFor('a served read', async () => (await client.get(tokenPath())).status === 200);
    await waitFor('the listener', async () => (await listenerCount()) >= 3, { timeoutMs: 10_000 });
    return client;
  };

  const listenerCount = async () => {
    const rows = await queryDatabase<{ count: number }>(
      database.url,
      `SELECT count(*)::int AS count FROM pg_stat_activity
        WHERE application_name = 'keyhouse-listener' AND datname = current_database()`,
    );
    return rows[0]?.count ?? 0;
  };

  it('holds rows in memory: a change that notifies nobody is not seen (the control)', async () => {
    const key = await newKey(a);
    const onB = await warm(b, key.apiKey);
    // session_replication_role = replica: the triggers do not fire, no NOTIFY is sent.
    await quietly(
      `UPDATE api_clients SET key_hash = NULL, deleted_at = now() WHERE id = '${key.id}'`,
    );
    expect((await onB.get(tokenPath())).status).toBe(200);
    // The process that has never held this key reads the table and refuses it.
    expect((await new HttpClient(c.baseUrl, key.apiKey).get(tokenPath())).status).toBe(401);
    // Any notified change of the row drops it (here: a no-op change of its name).
    await queryDatabase(database.url, `UPDATE api_clients SET name = name || '!' WHERE id = $1`, [
      key.id,
    ]);
    await waitFor('B to refuse the key', async () => (await onB.get(tokenPath())).status === 401, {
      timeoutMs: IN_FORCE_MS,
      intervalMs: 20,
    });
  });

  it('refuses a key deleted in A at once in A, and in B within a second', async () => {
    const key = await newKey(a);
    const onA = await warm(a, key.apiKey);
    const onB = await warm(b, key.apiKey);
    expect((await onB.get(tokenPath())).status).toBe(200);

    expect((await admin(a).delete(`/admin/clients/${key.id}`)).status).toBe(204);
    const deletedAt = Date.now();
    expect((await onA.get(tokenPath())).status).toBe(401);
    await waitFor('B to refuse the key', async () => (await onB.get(tokenPath())).status === 401, {
      timeoutMs: IN_FORCE_MS,
      intervalMs: 20,
    });
    expect(Date.now() - deletedAt).toBeLessThan(IN_FORCE_MS);
  });

  it('refuses a key rotated in B everywhere, and takes the new one', async () => {
    const key = await newKey(a);
    const onA = await warm(a, key.apiKey);
    await warm(b, key.apiKey);
    const rotated = await admin(b).post(`/admin/clients/${key.id}/rotate`);
    expect(rotated.status).toBe(200);
    await waitFor(
      'A to refuse the old key',
      async () => (await onA.get(tokenPath())).status === 401,
      {
        timeoutMs: IN_FORCE_MS,
        intervalMs: 20,
      },
    );
    const renewed = new HttpClient(a.baseUrl, rotated.body.apiKey);
    expect((await renewed.get(tokenPath())).status).toBe(200);
  });

  it('serves in A the token B just refreshed', async () => {
    const key = await newKey(a);
    const onA = await warm(a, key.apiKey);
    const before = (await onA.get(tokenPath())).body.accessToken as string;

    const refreshed = await admin(b).post(`/admin/credentials/${credentialId}/refresh`);
    expect(refreshed.status).toBe(200);
    const onB = new HttpClient(b.baseUrl, key.apiKey);
    const after = (await onB.get(tokenPath())).body.accessToken as string;
    expect(after).not.toBe(before);
    await waitFor(
      'A to serve the refreshed token',
      async () => {
        return (await onA.get(tokenPath())).body.accessToken === after;
      },
      { timeoutMs: IN_FORCE_MS, intervalMs: 20 },
    );
  });

  it('reads through while its LISTEN connection is cut, and holds rows again once back', async () => {
    const key = await newKey(a);
    const onC = await warm(c, key.apiKey);
    const held = (await onC.get(tokenPath())).body.accessToken as string;
    // C holds the row: a change nobody is told of does not reach it...
    await quietly(`UPDATE credentials SET status = 'expired' WHERE id = '${credentialId}'`);
    expect((await onC.get(tokenPath())).status).toBe(200);
    await quietly(`UPDATE credentials SET status = 'active' WHERE id = '${credentialId}'`);

    // ...but once its listener is gone, it reads the table.
    proxy.cut();
    await waitFor('C to lose its listener', async () => (await listenerCount()) === 2);
    // A change C cannot hear of: it reads the table, so it serves the new token anyway.
    expect((await admin(b).post(`/admin/credentials/${credentialId}/refresh`)).status).toBe(200);
    const fresh = (await new HttpClient(b.baseUrl, key.apiKey).get(tokenPath())).body
      .accessToken as string;
    expect(fresh).not.toBe(held);
    const readWhileCut = await onC.get(tokenPath());
    expect(readWhileCut.body.accessToken).toBe(fresh);
    expect(await listenerCount()).toBe(2);

    proxy.restore();
    await waitFor('C to listen again', async () => (await listenerCount()) === 3, {
      timeoutMs: 10_000,
    });
    // Listening again, C holds rows and follows notifications as before.
    expect((await onC.get(tokenPath())).body.accessToken).toBe(fresh);
    expect((await admin(a).delete(`/admin/clients/${key.id}`)).status).toBe(204);
    await waitFor(
      'C to refuse the deleted key',
      async () => (await onC.get(tokenPath())).status === 401,
      {
        timeoutMs: IN_FORCE_MS,
        intervalMs: 20,
      },
    );
  });

  it('stops trusting a stalled LISTEN connection within a second', async () => {
    const key = await newKey(a);
    const onC = await warm(c, key.apiKey);
    proxy.stall();
    try {
      // Nothing C's listener could hear now: the deletion must reach it through the table.
      expect((await admin(a).delete(`/admin/clients/${key.id}`)).status).toBe(204);
      const deletedAt = Date.now();
      await waitFor(
        'C to refuse the key',
        async () => (await onC.get(tokenPath())).status === 401,
        {
          timeoutMs: 2 * IN_FORCE_MS,
          intervalMs: 20,
        },
      );
      // At most the heartbeat's bound (1 s) after the stall, plus one poll.
      expect(Date.now() - deletedAt).toBeLessThan(2 * IN_FORCE_MS);
    } finally {
      proxy.restore();
    }
    await waitFor('C to listen again', async () => (await listenerCount()) === 3, {
      timeoutMs: 15_000,
    });
  });

  async function quietly(sql: string): Promise<void> {
    await queryDatabase(
      database.url,
      `DO $$ BEGIN SET LOCAL session_replication_role = replica; ${sql}; END $$`,
    );
  }

  function admin(process: AppProcess): HttpClient {
    return new HttpClient(process.baseUrl, ADMIN_KEY);
  }

  async function newKey(process: AppProcess): Promise<{ id: string; apiKey: string }> {
    const created = await admin(process).post('/admin/clients', {
      name: `coherence-${randomBytes(4).toString('hex')}`,
      team: 'coherence',
      scopes: ['tokens:read', 'credentials:write'],
      providers: ['mesh'],
    });
    expect(created.status).toBe(201);
    return { id: created.body.id, apiKey: created.body.apiKey };
  }
});
