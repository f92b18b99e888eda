import { randomBytes } from 'node:crypto';
import { FakeMesh, MESH_REFRESH_PATH } from '@keyhouse/sandbox';
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

// The suite runs a bounded version; `npm run test:faults` runs a longer one (more
// credentials, more rounds of cuts) through the same file.
const CREDENTIALS = Number(process.env.KEYHOUSE_FAULT_CREDENTIALS ?? 120);
const ROUNDS = Number(process.env.KEYHOUSE_FAULT_ROUNDS ?? 1);
const ACCOUNTS_PER_USER = 10;
const OUTAGE_MS = 10_000;
const UPSTREAM_LATENCY_MS = 2_000;
const ADMIN_KEY = `faults-admin-${randomBytes(24).toString('base64url')}`;
const MESH = { clientId: 'mesh-client', clientSecret: 'mesh-secret-value-faults' };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two gateways and a worker refresh Mesh credentials whose refresh tokens work once, with
 * 2 s upstream calls so many are in flight, while the proxy in front of Postgres goes away
 * in both ways: refusing and resetting connections, then accepting and stalling them, 10 s
 * each, shorter than the lease. No process dies, so no refresh token may be presented twice
 * and every credential must end active.
 */
describe('refresh across processes while the database goes away', () => {
  let mesh: FakeMesh;
  let database: TestDatabase;
  let proxy: TcpProxy;
  let processes: AppProcess[];

  beforeAll(async () => {
    mesh = new FakeMesh(MESH);
    const meshUrl = await mesh.start();
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port));
    const databaseUrl = throughProxy(database.url, await proxy.start());
    const environment = {
      DATABASE_URL: databaseUrl,
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      SANDBOX: 'false',
      MESH_BASE_URL: meshUrl,
      MESH_CLIENT_ID: MESH.clientId,
      MESH_CLIENT_SECRET: MESH.clientSecret,
      REFRESH_ENABLED: 'true',
      REFRESH_INTERVAL_MS: '200',
      REFRESH_BATCH_SIZE: '8',
      REFRESH_CONCURRENCY: '8',
      REFRESH_MIN_LEAD_SECONDS: '40',
      // Longer than an outage plus a call: a cut shorter than the lease must lose nothing.
      REFRESH_LEASE_SECONDS: '30',
      UPSTREAM_TIMEOUT_MS: '5000',
      REFRESH_RETRY_BASE_MS: '200',
    };
    processes = await Promise.all([
      AppProcess.start('gateway', environment),
      AppProcess.start('gateway', environment),
      AppProcess.start('worker', environment),
    ]);
    await Promise.all(processes.map((process) => process.waitUntilReady()));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop('SIGKILL')));
    await proxy.stop();
    await mesh.stop();
    await database.drop();
  });

  /** Mesh accounts whose tokens expire 50–70 s from now: due (40 s lead) over about 20 s. */
  async function seed(): Promise<string[]> {
    const admin = new HttpClient(processes[0].baseUrl, ADMIN_KEY);
    const created = await admin.post('/admin/clients', {
      name: 'faults',
      team: 'growth',
      scopes: ['credentials:write', 'tokens:read'],
      providers: ['mesh'],
    });
    const client = new HttpClient(processes[1].baseUrl, created.body.apiKey);
    const users = Math.ceil(CREDENTIALS / ACCOUNTS_PER_USER);
    const refreshTokens: string[] = [];
    for (let user = 0; user < users; user++) {
      const payload = mesh.connectAccount({
        accounts: ACCOUNTS_PER_USER,
        expiresInSeconds: 50 + Math.floor((20 * user) / users),
        refreshedExpiresInSeconds: 3_600,
      });
      const stored = await client.post('/v1/mesh/connections', { userId: `user-${user}`, payload });
      expect(stored.status).toBe(201);
      refreshTokens.push(...payload.accountTokens.map((token) => token.refreshToken!));
    }
    return refreshTokens;
  }

  it(
    'presents every refresh token once and ends with every credential active',
    async () => {
      const refreshTokens = await seed();
      mesh.setLatency(UPSTREAM_LATENCY_MS);
      await waitFor(
        'the refresh wave to start',
        () => mesh.requestsTo(MESH_REFRESH_PATH).length > 0,
        {
          timeoutMs: 60_000,
          intervalMs: 50,
        },
      );
      for (let round = 0; round < ROUNDS; round++) {
        // Calls are in flight: their answers arrive while the database is away.
        await waitFor('calls in flight', () => mesh.requestsTo(MESH_REFRESH_PATH).length > 0);
        proxy.cut();
        await pause(OUTAGE_MS);
        proxy.restore();
        await pause(3_000);
        proxy.stall();
        await pause(OUTAGE_MS);
        proxy.restore();
        await pause(3_000);
      }

      const rows = await waitFor(
        'every credential to be refreshed',
        async () => {
          const current = await queryDatabase<{
            status: string;
            last_error: string | null;
            last_refreshed_at: Date | null;
            lease_owner: string | null;
          }>(
            database.url,
            'SELECT status, last_error, last_refreshed_at, lease_owner FROM credentials',
          );
          return current.length === refreshTokens.length &&
            current.every((row) => row.last_refreshed_at !== null || row.status !== 'active')
            ? current
            : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 500 },
      );

      expect(rows.filter((row) => row.status !== 'active')).toEqual([]);
      expect(refreshTokens.map((token) => mesh.presentations(token))).toEqual(
        refreshTokens.map(() => 1),
      );
      expect([...mesh.presentationCounts().values()].filter((count) => count > 1)).toEqual([]);
      for (const process of processes) {
        expect(process.running).toBe(true);
        expect(process.logs()).not.toContain('refresh answer lost');
      }
      // The outage really met answers in hand: some writes had to be retried.
      expect(
        processes.some((process) => process.logs().includes('retrying the refresh write')),
      ).toBe(true);
    },
    240_000 + ROUNDS * 60_000 + CREDENTIALS * 200,
  );
});
