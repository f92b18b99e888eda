import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, createTestDatabase, HttpClient, queryDatabase } from '@keyhouse/testing';

const KEY_PATTERN = /kh_live_[A-Za-z0-9_-]{43}/g;

describe('starting the apps as processes', () => {
  const started: AppProcess[] = [];
  const launch = async (app: 'gateway' | 'worker', env: Record<string, string | undefined>) => {
    const process = await AppProcess.start(app, env);
    started.push(process);
    return process;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((process) => process.stop('SIGKILL')));
  });

  it('starts on an embedded Postgres under DATA_DIR, prints an admin key once, and keeps its data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyhouse-start-'));
    try {
      const first = await launch('gateway', { DATA_DIR: dataDir });
      await first.waitUntilReady();
      const printed = first.logs().match(KEY_PATTERN) ?? [];
      expect(new Set(printed).size).toBe(1);
      const adminKey = printed[0]!;
      expect(first.logs()).toContain(`listening on http://127.0.0.1:${first.port}`);
      // The key is printed for the operator but never logged as JSON.
      const jsonLines = first
        .logs()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      expect(jsonLines.filter((line) => line.includes(adminKey))).toEqual([]);
      expect(await first.stop()).toBe(0);

      const second = await launch('gateway', { DATA_DIR: dataDir });
      await second.waitUntilReady();
      expect(second.logs().match(KEY_PATTERN)).toBeNull();
      const listed = await new HttpClient(second.baseUrl, adminKey).get('/admin/clients');
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(1);
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lets three processes start at once on one fresh database: one migration run, one admin key', async () => {
    const database = await createTestDatabase();
    try {
      const gateways = await Promise.all(
        [1, 2, 3].map(() => launch('gateway', { DATABASE_URL: database.url })),
      );
      await Promise.all(gateways.map((gateway) => gateway.waitUntilReady()));
      const keys = gateways.flatMap((gateway) => gateway.logs().match(KEY_PATTERN) ?? []);
      expect(new Set(keys).size).toBe(1);
      const migrations = await queryDatabase<{ name: string; count: string }>(
        database.url,
        'SELECT name, count(*) FROM migrations GROUP BY name',
      );
      expect(migrations.length).toBeGreaterThan(0);
      expect(migrations.every((migration) => migration.count === '1')).toBe(true);
      const clients = await queryDatabase<{ count: string }>(
        database.url,
        'SELECT count(*) FROM api_clients',
      );
      expect(clients[0].count).toBe('1');
    } finally {
      await Promise.all(started.splice(0).map((process) => process.stop('SIGKILL')));
      await database.drop();
    }
  });

  it('lets two gateways and a worker start at once on one fresh database, all ready', async () => {
    const database = await createTestDatabase();
    try {
      const processes = await Promise.all(
        (['gateway', 'gateway', 'worker'] as const).map((app) =>
          launch(app, { DATABASE_URL: database.url }),
        ),
      );
      await Promise.all(processes.map((process) => process.waitUntilReady()));
      const migrations = await queryDatabase<{ count: string }>(
        database.url,
        'SELECT count(*) FROM migrations GROUP BY name',
      );
      expect(migrations.length).toBeGreaterThan(0);
      expect(migrations.every((migration) => migration.count === '1')).toBe(true);
      const keys = processes.flatMap((process) => process.logs().match(KEY_PATTERN) ?? []);
      expect(new Set(keys).size).toBe(1);
    } finally {
      await Promise.all(started.splice(0).map((process) => process.stop('SIGKILL')));
      await database.drop();
    }
  });

  it('starts the worker, which connects and stops cleanly on SIGTERM', async () => {
    const database = await createTestDatabase();
    try {
      const worker = await launch('worker', { DATABASE_URL: database.url });
      await worker.waitUntilReady();
      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(worker.logs()).toContain('"msg":"stopped"');
    } finally {
      await database.drop();
    }
  });

  it.each([
    [
      'production without VAULT_KEYS',
      { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/x', VAULT_KEYS: undefined },
      'VAULT_KEYS',
    ],
    [
      'production with SANDBOX=true',
      {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://x@127.0.0.1/x',
        VAULT_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
        SANDBOX: 'true',
      },
      'SANDBOX',
    ],
    [
      'production without DATABASE_URL',
      { NODE_ENV: 'production', DATABASE_URL: undefined },
      'DATABASE_URL',
    ],
    ['a port that is not a number', { PORT: '80a' }, 'PORT'],
    [
      'a short bootstrap key',
      { BOOTSTRAP_ADMIN_KEY: 'too-short-secret-value' },
      'BOOTSTRAP_ADMIN_KEY',
    ],
  ])('refuses to start with %s and names the variable', async (_label, env, variable) => {
    const gateway = await launch('gateway', env);
    expect(await gateway.waitForExit()).toBe(1);
    expect(gateway.logs()).toContain(variable);
    expect(gateway.logs()).not.toContain('too-short-secret-value');
  });
});
