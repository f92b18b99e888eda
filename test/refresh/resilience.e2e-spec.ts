import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMesh, MESH_REFRESH_PATH } from '@keyhouse/sandbox';
import {
  AppProcess,
  createClient,
  createTestDatabase,
  freePort,
  type GatewayHarness,
  HttpClient,
  PostgresProcess,
  queryDatabase,
  startGateway,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';

const MESH_ENV = { MESH_CLIENT_ID: 'mesh-client', MESH_CLIENT_SECRET: 'mesh-secret-value-000' };
const newMesh = () =>
  new FakeMesh({ clientId: MESH_ENV.MESH_CLIENT_ID, clientSecret: MESH_ENV.MESH_CLIENT_SECRET });

async function storeConnections(
  gateway: { baseUrl: string },
  apiKey: string,
  mesh: FakeMesh,
  count: number,
  expiresInSeconds: number,
): Promise<{ id: string; refreshToken: string; refreshAt: Date }[]> {
  const client = new HttpClient(gateway.baseUrl, apiKey);
  const stored: { id: string; refreshToken: string; refreshAt: Date }[] = [];
  for (let index = 0; index < count; index++) {
    const payload = mesh.connectAccount({
      accounts: 1,
      expiresInSeconds,
      refreshedExpiresInSeconds: 3_600,
    });
    const answer = await client.post('/v1/mesh/connections', { userId: `user-${index}`, payload });
    expect(answer.status).toBe(201);
    stored.push({
      id: answer.body.items[0].id,
      refreshToken: payload.accountTokens[0].refreshToken!,
      refreshAt: new Date(answer.body.items[0].refreshAt),
    });
  }
  return stored;
}

describe('the scheduler when its database restarts', () => {
  const mesh = newMesh();
  let dataDir: string;
  let port: number;
  let database: PostgresProcess;
  let gateway: GatewayHarness;
  const start = () => PostgresProcess.start(dataDir, port);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyhouse-restart-'));
    port = await freePort();
    database = await start();
  });

  afterAll(async () => {
    await gateway?.close().catch(() => undefined);
    await database?.stop();
    await mesh.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes by itself once Postgres is back, and refreshes everything that came due meanwhile', async () => {
    gateway = await startGateway({
      database: { url: database.url, name: 'keyhouse', drop: () => Promise.resolve() },
      env: {
        ...MESH_ENV,
        MESH_BASE_URL: await mesh.start(),
        REFRESH_ENABLED: 'true',
        REFRESH_INTERVAL_MS: '100',
        REFRESH_MIN_LEAD_SECONDS: '10',
        REFRESH_RETRY_BASE_MS: '100',
      },
    });
    const { apiKey } = await createClient(gateway, { team: 'growth', providers: ['mesh'] });
    // Due 3–4 s from now; Postgres goes down before the first of them.
    const stored = await storeConnections(gateway, apiKey, mesh, 20, 14);
    await database.stop();

    const failedTicks = () => gateway.logs.linesContaining('refresh tick failed').length;
    await waitFor('a failed tick to be logged', () => failedTicks() > 0);
    expect((await gateway.http.get('/health/ready')).status).toBe(503);
    // Keep it down until every credential is due and a tick has failed after that.
    const dueBy = Math.max(...stored.map((credential) => credential.refreshAt.getTime()));
    await waitFor('every credential to come due', () => Date.now() > dueBy, { timeoutMs: 20_000 });
    const failedWhileDue = failedTicks();
    await waitFor('a tick to fail with everything due', () => failedTicks() > failedWhileDue);
    expect(mesh.requestsTo(MESH_REFRESH_PATH)).toEqual([]);
    database = await start();

    await waitFor(
      'every credential to be refreshed after the restart',
      async () => {
        const rows = await queryDatabase<{ last_refreshed_at: Date | null }>(
          database.url,
          'SELECT last_refreshed_at FROM credentials',
        );
        return rows.length === 20 && rows.every((row) => row.last_refreshed_at !== null);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(stored.map((credential) => mesh.presentations(credential.refreshToken))).toEqual(
      Array(20).fill(1),
    );
    await waitFor(
      'ready again',
      async () => (await gateway.http.get('/health/ready')).status === 200,
    );
  }, 60_000);
});

describe('a worker stopping with SIGTERM', () => {
  const mesh = newMesh();
  let database: TestDatabase;

  afterAll(async () => {
    await mesh.stop();
    await database.drop();
  });

  it('finishes the refreshes in flight, hands back the leases it had not started, and exits 0', async () => {
    database = await createTestDatabase();
    // Slow upstream: each refresh is in flight for 1.5 s.
    mesh.setLatency(1_500);
    const meshUrl = await mesh.start();
    // Stored with a lead longer than their lifetime: all due at once.
    const seeder = await startGateway({
      database,
      env: { ...MESH_ENV, MESH_BASE_URL: meshUrl, REFRESH_MIN_LEAD_SECONDS: '7200' },
    });
    const { apiKey } = await createClient(seeder, { team: 'growth', providers: ['mesh'] });
    const stored = await storeConnections(seeder, apiKey, mesh, 10, 3_600);
    await seeder.close();

    const worker = await AppProcess.start('worker', {
      DATABASE_URL: database.url,
      ...MESH_ENV,
      MESH_BASE_URL: meshUrl,
      REFRESH_INTERVAL_MS: '100',
      REFRESH_BATCH_SIZE: '10',
      REFRESH_CONCURRENCY: '2',
    });
    await worker.waitUntilReady();
    await waitFor('two refreshes in flight', () => mesh.requestsTo(MESH_REFRESH_PATH).length >= 2);
    expect(await worker.stop('SIGTERM')).toBe(0);

    const rows = await queryDatabase<{
      id: string;
      lease_owner: string | null;
      last_refreshed_at: Date | null;
      status: string;
    }>(database.url, 'SELECT id, lease_owner, last_refreshed_at, status FROM credentials');
    const presented = stored.filter(
      (credential) => mesh.presentations(credential.refreshToken) > 0,
    );
    // What was in flight finished and was written; nothing else was started.
    expect(presented).toHaveLength(2);
    const refreshed = new Set(
      rows.filter((row) => row.last_refreshed_at !== null).map((row) => row.id),
    );
    expect([...refreshed].sort()).toEqual(presented.map((credential) => credential.id).sort());
    expect(presented.map((credential) => mesh.presentations(credential.refreshToken))).toEqual([
      1, 1,
    ]);
    // Leases are all handed back: the next process can take the rest at once.
    expect(rows.filter((row) => row.lease_owner !== null)).toEqual([]);
    expect(rows.every((row) => row.status === 'active')).toBe(true);
    expect(worker.logs()).toContain('refresh scheduler stopped');
  }, 60_000);
});

describe('a gateway stopping with SIGTERM', () => {
  const mesh = newMesh();
  let database: TestDatabase;

  afterAll(async () => {
    await mesh.stop();
    await database.drop();
  });

  it('writes the refreshes its token reads and its scheduler have in flight, never handing them back', async () => {
    database = await createTestDatabase();
    mesh.setLatency(1_500);
    const meshUrl = await mesh.start();
    const adminKey = `sigterm-admin-${'x'.repeat(32)}`;
    const gateway = await AppProcess.start('gateway', {
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      SANDBOX: 'false',
      ...MESH_ENV,
      MESH_BASE_URL: meshUrl,
      REFRESH_ENABLED: 'true',
      REFRESH_INTERVAL_MS: '100',
      REFRESH_CONCURRENCY: '3',
      REFRESH_BATCH_SIZE: '3',
      // Stored with a lead longer than their lifetime: all due, and every read refreshes first.
      REFRESH_MIN_LEAD_SECONDS: '7200',
    });
    await gateway.waitUntilReady();
    const admin = new HttpClient(gateway.baseUrl, adminKey);
    const created = await admin.post('/admin/clients', {
      name: 'sigterm',
      team: 'growth',
      scopes: ['credentials:write', 'tokens:read'],
      providers: ['mesh'],
    });
    const stored = await storeConnections(gateway, created.body.apiKey, mesh, 12, 3_600);
    const reader = new HttpClient(gateway.baseUrl, created.body.apiKey);
    // Reads of the last six: each one's refresh goes upstream on demand, through the lease.
    const reads = stored
      .slice(6)
      .map((credential) => reader.get(`/v1/credentials/${credential.id}/token`));
    await waitFor(
      'the scheduler and the reads to have calls in flight',
      () => mesh.requestsTo(MESH_REFRESH_PATH).length >= 8,
    );
    const presentedAtSigterm = mesh.requestsTo(MESH_REFRESH_PATH).length;
    expect(await gateway.stop('SIGTERM')).toBe(0);

    const answers = await Promise.all(reads);
    const rows = await queryDatabase<{
      id: string;
      lease_owner: string | null;
      last_refreshed_at: Date | null;
    }>(database.url, 'SELECT id, lease_owner, last_refreshed_at FROM credentials');
    const refreshed = new Set(rows.filter((row) => row.last_refreshed_at).map((row) => row.id));
    const presented = stored.filter(
      (credential) => mesh.presentations(credential.refreshToken) > 0,
    );
    // Every grant that reached Mesh had its answer written: none was handed back.
    expect(presented.length).toBeGreaterThanOrEqual(presentedAtSigterm);
    expect(presented.filter((credential) => !refreshed.has(credential.id))).toEqual([]);
    expect(presented.map((credential) => mesh.presentations(credential.refreshToken))).toEqual(
      presented.map(() => 1),
    );
    expect(rows.filter((row) => row.lease_owner !== null)).toEqual([]);
    // A read whose refresh was under way got its token; none failed with a 5xx other than 503.
    for (const answer of answers) {
      expect([200, 503]).toContain(answer.status);
    }
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);
    expect(gateway.logs()).not.toContain('lease lost');
  }, 60_000);
});

describe('keep-alive policies', () => {
  let gateway: GatewayHarness;
  let client: HttpClient;
  let stopFakes: () => Promise<void>;

  beforeAll(async () => {
    const { startSandbox } = await import('@keyhouse/providers');
    const sandbox = await startSandbox();
    stopFakes = () => sandbox.stop();
    gateway = await startGateway({
      env: {
        ...sandbox.environment(),
        REFRESH_ENABLED: 'true',
        REFRESH_INTERVAL_MS: '100',
        REFRESH_MIN_LEAD_SECONDS: '10',
      },
    });
    const created = await createClient(gateway, { team: 'growth' });
    client = new HttpClient(gateway.baseUrl, created.apiKey);
  });

  afterAll(async () => {
    await gateway.close();
    await stopFakes();
  });

  const credentialOf = async (userId: string, provider: string) =>
    (await client.get(`/v1/credentials?userId=${userId}&provider=${provider}`)).body.items[0];

  it('never refreshes TPA Stream connect tokens or Stream Chat tokens in the background', async () => {
    expect((await client.post('/v1/tpa-stream/connect-tokens', { userId: 'kim' })).status).toBe(
      200,
    );
    expect(
      (await client.post('/v1/stream-chat/tokens', { userId: 'kim', expiresInSeconds: 20 })).status,
    ).toBe(200);
    expect((await credentialOf('kim', 'tpa-stream')).refreshAt).toBeNull();
    expect((await credentialOf('kim', 'stream-chat')).refreshAt).toBeNull();
  });

  it('keeps an api.stream token alive while it was read within its lifetime, then lets it lapse; a read revives it', async () => {
    const minted = await client.post('/v1/api-stream/access-tokens', {
      userId: 'lee',
      role: 'GUEST',
      expiresInSeconds: 14,
    });
    expect(minted.status).toBe(200);
    const issued = await credentialOf('lee', 'api-stream');
    expect(issued.refreshAt).not.toBeNull();
    // Refreshed in the background while the issue (a read) is within the token's lifetime...
    await waitFor(
      'a background refresh',
      async () => (await credentialOf('lee', 'api-stream')).lastRefreshedAt ?? undefined,
      {
        timeoutMs: 10_000,
      },
    );
    // ...then, unread for a whole lifetime, left to lapse: nothing schedules it any more.
    const idle = await waitFor(
      'the credential to go idle',
      async () => {
        const current = await credentialOf('lee', 'api-stream');
        return current.refreshAt === null ? current : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(idle.status).toBe('active');
    const lastRefresh = idle.lastRefreshedAt as string;

    const read = await client.get(`/v1/credentials/${idle.id}/token`);
    expect(read.status).toBe(200);
    const revived = await credentialOf('lee', 'api-stream');
    expect(revived.refreshAt).not.toBeNull();
    expect(revived.lastRefreshedAt).not.toBe(lastRefresh);
  }, 60_000);
});
