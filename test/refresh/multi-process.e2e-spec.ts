import { randomBytes } from 'node:crypto';
import { FakeMesh } from '@keyhouse/sandbox';
import {
  AppProcess,
  createTestDatabase,
  HttpClient,
  queryDatabase,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';

const CREDENTIALS = 1_000;
const ACCOUNTS_PER_USER = 10;
const ADMIN_KEY = `multi-process-admin-${randomBytes(24).toString('base64url')}`;

interface Seeded {
  readonly id: string;
  readonly refreshToken: string;
  readonly expiresAt: Date;
}

/**
 * docs/architecture.md, "Scale-out": N processes on one database share the refresh work through
 * leases alone. Two gateways and a worker all run the scheduler against a fake Mesh whose
 * refresh tokens work once and which counts every presentation.
 */
describe('refresh across processes', () => {
  let mesh: FakeMesh;
  let database: TestDatabase;
  let processes: AppProcess[];

  const environment = (meshUrl: string) => ({
    DATABASE_URL: database.url,
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    SANDBOX: 'false',
    MESH_BASE_URL: meshUrl,
    MESH_CLIENT_ID: 'mesh-client',
    MESH_CLIENT_SECRET: 'mesh-secret-value-789',
    REFRESH_ENABLED: 'true',
    REFRESH_INTERVAL_MS: '200',
    REFRESH_BATCH_SIZE: '25',
    REFRESH_CONCURRENCY: '8',
    REFRESH_MIN_LEAD_SECONDS: '20',
    REFRESH_LEASE_SECONDS: '8',
    UPSTREAM_TIMEOUT_MS: '3000',
    REFRESH_RETRY_BASE_MS: '200',
    LOG_LEVEL: 'info',
  });

  beforeEach(async () => {
    // A little latency keeps refreshes in flight, so a kill lands on real work.
    mesh = new FakeMesh({ clientId: 'mesh-client', clientSecret: 'mesh-secret-value-789' });
    mesh.setLatency(30);
    const meshUrl = await mesh.start();
    database = await createTestDatabase();
    processes = await Promise.all([
      AppProcess.start('gateway', environment(meshUrl)),
      AppProcess.start('gateway', environment(meshUrl)),
      AppProcess.start('worker', environment(meshUrl)),
    ]);
    await Promise.all(processes.map((process) => process.waitUntilReady()));
  });

  afterEach(async () => {
    await Promise.all(processes.map((process) => process.stop('SIGKILL')));
    await mesh.stop();
    await database.drop();
  });

  /** Stores 1,000 Mesh accounts whose tokens expire 25–80 s from now: all due within a minute. */
  async function seed(): Promise<Seeded[]> {
    const admin = new HttpClient(processes[0].baseUrl, ADMIN_KEY);
    const created = await admin.post('/admin/clients', {
      name: 'multi',
      team: 'growth',
      scopes: ['credentials:write', 'tokens:read'],
      providers: ['mesh'],
    });
    const client = new HttpClient(processes[1].baseUrl, created.body.apiKey);
    const seeded: Seeded[] = [];
    for (let user = 0; user < CREDENTIALS / ACCOUNTS_PER_USER; user++) {
      const payload = mesh.connectAccount({
        accounts: ACCOUNTS_PER_USER,
        expiresInSeconds: 25 + Math.floor((55 * user) / (CREDENTIALS / ACCOUNTS_PER_USER)),
        refreshedExpiresInSeconds: 3_600,
      });
      const stored = await client.post('/v1/mesh/connections', { userId: `user-${user}`, payload });
      expect(stored.status).toBe(201);
      for (const item of stored.body.items as {
        id: string;
        accountId: string;
        expiresAt: string;
      }[]) {
        const token = payload.accountTokens.find(
          (candidate) => candidate.account.accountId === item.accountId,
        )!;
        seeded.push({
          id: item.id,
          refreshToken: token.refreshToken!,
          expiresAt: new Date(item.expiresAt),
        });
      }
    }
    return seeded;
  }

  const states = () =>
    queryDatabase<{
      id: string;
      status: string;
      last_error: string | null;
      last_refreshed_at: Date | null;
    }>(database.url, 'SELECT id, status, last_error, last_refreshed_at FROM credentials');

  it('refreshes every credential before it expires, presenting each refresh token once', async () => {
    const seeded = await seed();
    const finished = await waitFor(
      'every credential to be refreshed',
      async () => {
        const rows = await states();
        return rows.length === CREDENTIALS && rows.every((row) => row.last_refreshed_at !== null)
          ? rows
          : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );
    const byId = new Map(finished.map((row) => [row.id, row]));
    const late = seeded.filter(
      (credential) => byId.get(credential.id)!.last_refreshed_at! >= credential.expiresAt,
    );
    expect(late).toEqual([]);
    expect(finished.every((row) => row.status === 'active')).toBe(true);
    expect(seeded.map((credential) => mesh.presentations(credential.refreshToken))).toEqual(
      Array(CREDENTIALS).fill(1),
    );
    const presentedTwice = [...mesh.presentationCounts().values()].filter((count) => count > 1);
    expect(presentedTwice).toEqual([]);
    expect(mesh.refreshCount).toBe(CREDENTIALS);
    for (const process of processes) {
      expect(process.running).toBe(true);
    }
  }, 240_000);

  it('survives a SIGKILL mid-run: leases run out and are taken over, no token presented twice outside the killed calls', async () => {
    const seeded = await seed();
    // Mesh does the work on arrival and only its answer is slow: a call killed in flight has
    // rotated its refresh token upstream, and its answer is lost with the process.
    mesh.setLatency(200, 'after-processing');
    const victim = processes[2];
    // Kill the worker while it holds leases on credentials it is refreshing.
    const leasedAtKill = await waitFor(
      'the worker to hold leases',
      async () => {
        const rows = await queryDatabase<{ id: string }>(
          database.url,
          `SELECT id FROM credentials WHERE lease_owner LIKE $1 AND lease_expires_at > now()`,
          [`%:${victim.pid}:%`],
        );
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 10 },
    );
    await victim.stop('SIGKILL');
    const killed = new Set(
      (
        await queryDatabase<{ id: string }>(
          database.url,
          `SELECT id FROM credentials WHERE lease_owner LIKE $1`,
          [`%:${victim.pid}:%`],
        )
      ).map((row) => row.id),
    );
    for (const { id } of leasedAtKill) {
      killed.add(id);
    }

    const finished = await waitFor(
      'every credential to be refreshed or given up',
      async () => {
        const rows = await states();
        return rows.every((row) => row.last_refreshed_at !== null || row.status === 'needs_reauth')
          ? rows
          : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );
    const byId = new Map(finished.map((row) => [row.id, row]));
    const untouched = seeded.filter((credential) => !killed.has(credential.id));
    const inFlight = seeded.filter((credential) => killed.has(credential.id));

    // Everything the killed process was not working on: refreshed in time, each token once.
    expect(untouched.map((credential) => mesh.presentations(credential.refreshToken))).toEqual(
      Array(untouched.length).fill(1),
    );
    expect(
      untouched.filter(
        (credential) => byId.get(credential.id)!.last_refreshed_at! >= credential.expiresAt,
      ),
    ).toEqual([]);
    expect(untouched.every((credential) => byId.get(credential.id)!.status === 'active')).toBe(
      true,
    );
    // The killed calls: taken over after the lease. One the killed process had presented was
    // consumed upstream with its answer lost: presented once more by the successor, refused,
    // and marked as a lost answer (not as a user's revocation). One it had claimed but not
    // presented yet is refreshed normally, once.
    for (const credential of inFlight) {
      const row = byId.get(credential.id)!;
      const presentations = mesh.presentations(credential.refreshToken);
      expect(presentations).toBeLessThanOrEqual(2);
      // A grant Mesh still accepted on its second presentation leaves the row active; one it
      // refused is a lost answer, never reported as the user's revocation.
      if (presentations === 1 || row.status !== 'active') {
        expect(row).toMatchObject(
          presentations === 1
            ? { status: 'active' }
            : { status: 'needs_reauth', last_error: 'response_lost' },
        );
      }
    }
    // Every refresh token issued along the way (not the killed calls' originals) was presented once.
    const originalsOfKilled = new Set(inFlight.map((credential) => credential.refreshToken));
    const others = [...mesh.presentationCounts()].filter(
      ([token]) => !originalsOfKilled.has(token),
    );
    expect(others.filter(([, count]) => count !== 1)).toEqual([]);
    expect(killed.size).toBeGreaterThan(0);
  }, 240_000);
});
