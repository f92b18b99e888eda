import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppProcess,
  createTestDatabase,
  freePort,
  HttpClient,
  queryDatabase,
  type TestDatabase,
} from '@keyhouse/testing';

const KEY_PATTERN = /kh_live_[A-Za-z0-9_-]{43}/g;
const VAULT_KEYS = `prod-1:${Buffer.alloc(32, 0x5c).toString('base64')}`;

async function holdPort(): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('start-up faults', () => {
  const started: AppProcess[] = [];
  const launch = async (env: Record<string, string | undefined>) => {
    const gateway = await AppProcess.start('gateway', env);
    started.push(gateway);
    return gateway;
  };
  let database: TestDatabase;
  const clientCount = async () =>
    Number(
      (await queryDatabase<{ count: string }>(database.url, 'SELECT count(*) FROM api_clients'))[0]
        .count,
    );

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((gateway) => gateway.stop('SIGKILL')));
    await database.drop();
  });

  it.each([
    ['a busy port', async () => ({ PORT: String((await held()).port) })],
    ['a HOST it cannot listen on', () => Promise.resolve({ HOST: 'no-such-host.invalid' })],
  ])(
    'stores no admin key on a first start that fails on %s, and the next start prints one',
    async (_label, fault) => {
      const failed = await launch({ DATABASE_URL: database.url, ...(await fault()) });
      expect(await failed.waitForExit()).toBe(1);
      expect(failed.logs()).toContain('gateway failed to start');
      expect(failed.logs().match(KEY_PATTERN)).toBeNull();
      expect(await clientCount()).toBe(0);

      const next = await launch({ DATABASE_URL: database.url });
      await next.waitUntilReady();
      const printed = next.logs().match(KEY_PATTERN) ?? [];
      expect(printed).toHaveLength(1);
      const listed = await new HttpClient(next.baseUrl, printed[0]).get('/admin/clients');
      expect(listed.status).toBe(200);
    },
  );

  it('stops the embedded Postgres it started when the start then fails', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyhouse-failed-start-'));
    try {
      const { port } = await held();
      const failed = await launch({
        DATA_DIR: dataDir,
        DATABASE_URL: undefined,
        PORT: String(port),
      });
      expect(await failed.waitForExit()).toBe(1);
      // The cluster did start (its data directory exists) and is stopped again.
      expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
      const postmaster = join(dataDir, 'postgres', 'postmaster.pid');
      const pid = existsSync(postmaster)
        ? Number.parseInt(readFileSync(postmaster, 'utf8').split('\n')[0], 10)
        : undefined;
      expect(pid === undefined || !isAlive(pid)).toBe(true);
      expect(existsSync(join(dataDir, 'keyhouse-owner.pid'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a production start without BOOTSTRAP_ADMIN_KEY or an admin client, naming it', async () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: database.url, VAULT_KEYS };
    const refused = await launch(production);
    expect(await refused.waitForExit()).toBe(1);
    expect(refused.logs()).toContain('BOOTSTRAP_ADMIN_KEY is required when NODE_ENV=production');
    expect(refused.logs().match(KEY_PATTERN)).toBeNull();
    expect(await clientCount()).toBe(0);

    // With the key once, the admin client exists; later starts need the variable no more.
    const adminKey = `prod-admin-${'k'.repeat(40)}`;
    const first = await launch({ ...production, BOOTSTRAP_ADMIN_KEY: adminKey });
    await first.waitUntilReady();
    expect(await first.stop()).toBe(0);
    const later = await launch(production);
    await later.waitUntilReady();
    expect(later.logs().match(KEY_PATTERN)).toBeNull();
    expect(later.logs()).not.toContain(adminKey);
    expect((await new HttpClient(later.baseUrl, adminKey).get('/admin/clients')).status).toBe(200);
  });

  it('warns at start about a provider configured by halves, naming variables, not values', async () => {
    const gateway = await launch({
      DATABASE_URL: database.url,
      MESH_CLIENT_ID: 'mesh-id-value-42',
    });
    await gateway.waitUntilReady();
    expect(gateway.logs()).toContain(
      'MESH_CLIENT_ID is set but MESH_CLIENT_SECRET is not: the provider is only half configured',
    );
    expect(gateway.logs()).not.toContain('mesh-id-value-42');
  });

  it('says which VAULT_KEYS entry is wrong and why, without the key', async () => {
    const short = Buffer.alloc(16, 0x33).toString('base64');
    const gateway = await launch({ DATABASE_URL: database.url, VAULT_KEYS: `k1:${short}` });
    expect(await gateway.waitForExit()).toBe(1);
    expect(gateway.logs()).toContain('VAULT_KEYS key "k1" is 16 bytes; it must be 32');
    expect(gateway.logs()).not.toContain(short);
  });

  const holders: Server[] = [];
  async function held(): Promise<{ port: number }> {
    const holder = await holdPort();
    holders.push(holder.server);
    return { port: holder.port };
  }
  afterAll(() => holders.forEach((server) => server.close()));
});
