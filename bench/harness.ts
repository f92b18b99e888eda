// What the HTTP and refresh benchmarks share: a database of their own (a scratch database
// on DATABASE_URL's server, else an embedded Postgres in a temp dir), the built gateway and
// worker as processes, the API calls that set data up, and per-process CPU accounting.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../libs/database/src/embedded-postgres';
import { createRootLogger } from '../libs/observability/src/logging/root-logger';
import type { FakeMesh } from '../libs/sandbox/src/index';
import { AppProcess, type AppName } from '../test/support/app-process';
import { gatewayNodeOptions } from './process-stats';

const pendingCleanups = new Set<() => Promise<void>>();

/**
 * `stop`, also run by runPendingCleanups() if the benchmark is interrupted before it stops
 * the thing itself. Returns `stop` wrapped so that it runs once and is then forgotten.
 */
export function cleanupOnInterrupt(stop: () => Promise<void>): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  const once = () => {
    stopped ??= stop().finally(() => pendingCleanups.delete(once));
    return stopped;
  };
  pendingCleanups.add(once);
  return once;
}

/** For run.ts on SIGINT/SIGTERM: stops whatever the running benchmark has started, newest first. */
export async function runPendingCleanups(): Promise<void> {
  for (const cleanup of [...pendingCleanups].reverse()) {
    await cleanup().catch(() => undefined);
  }
}

export interface BenchDatabase {
  readonly url: string;
  /** Where it runs, for the notes. */
  readonly description: string;
  stop(): Promise<void>;
}

/**
 * A database only this benchmark uses. With DATABASE_URL set, a fresh database on that
 * server (dropped at the end); without it, an embedded Postgres in a temp dir (fsync off,
 * like the test clusters), stopped and deleted at the end.
 */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  const database = await (serverUrl ? scratchDatabase(serverUrl) : embeddedDatabase());
  return { ...database, stop: cleanupOnInterrupt(() => database.stop()) };
}

async function scratchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `keyhouse_bench_${randomBytes(6).toString('hex')}`;
  const onServer = (sql: string) => withClient(serverUrl, (client) => client.query(sql));
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `scratch database on DATABASE_URL's server (${url.host})`,
    stop: async () => {
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function embeddedDatabase(): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyhouse-bench-'));
  try {
    const embedded = await startEmbeddedPostgres({
      dataDir,
      logger: createRootLogger({ level: 'warn', name: 'bench-postgres' }),
      durable: false,
      maxConnections: 100,
    });
    return {
      url: embedded.url,
      description: 'embedded Postgres (fsync off)',
      stop: async () => {
        try {
          await embedded.stop();
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Vault keys generated per run: the apps get them as VAULT_KEYS, a bench may use the key. */
export interface BenchVaultKey {
  readonly id: string;
  readonly key: Buffer;
  readonly env: string;
}

export function newVaultKey(): BenchVaultKey {
  const key = randomBytes(32);
  return { id: 'bench', key, env: `bench:${key.toString('base64')}` };
}

export const MESH_CLIENT_ID = 'bench-mesh-client';
export const MESH_CLIENT_SECRET = 'bench-mesh-secret-0123456789';

/** The environment both apps share in a benchmark: production mode, quiet logs. */
export function appEnvironment(
  databaseUrl: string,
  vaultKey: BenchVaultKey,
  mesh?: FakeMesh,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    VAULT_KEYS: vaultKey.env,
    SANDBOX: 'false',
    // The load is one client from one address: no budget may shape the measurement.
    RATE_LIMIT_PER_MINUTE: '10000000',
    // The gateway's start flags; a worker's env spreads workerNodeOptions() over them.
    ...gatewayNodeOptions(),
    ...(mesh
      ? {
          MESH_BASE_URL: mesh.baseUrl,
          MESH_CLIENT_ID: MESH_CLIENT_ID,
          MESH_CLIENT_SECRET: MESH_CLIENT_SECRET,
        }
      : {}),
  };
}

/**
 * Starts the built app (npm run build first). The gateway is awaited until /health/ready;
 * the worker logs nothing at LOG_LEVEL=warn, so callers watch its effects instead.
 */
export async function startApp(app: AppName, env: Record<string, string>): Promise<AppProcess> {
  const started = await AppProcess.start(app, env);
  const kill = cleanupOnInterrupt(async () => {
    await started.stop('SIGKILL');
  });
  void started.waitForExit().then(kill);
  if (app === 'gateway') {
    try {
      await started.waitUntilReady();
    } catch (error) {
      await started.stop('SIGKILL');
      throw error;
    }
  }
  return started;
}

/** SIGTERM (a graceful drain), then SIGKILL if it has not exited within 15 s. */
export async function stopApp(app: AppProcess | undefined): Promise<void> {
  if (app === undefined) {
    return;
  }
  const code = await Promise.race([
    app.stop(),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
  ]);
  if (code === 'timeout') {
    await app.stop('SIGKILL');
  }
}

export async function callApi(
  baseUrl: string,
  key: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return text === '' ? undefined : JSON.parse(text);
}

/** An API client of one team with every scope the benchmarks use; returns its key. */
export async function createApiClient(gateway: AppProcess, adminKey: string): Promise<string> {
  const created = await callApi(gateway.baseUrl, adminKey, 'POST', '/admin/clients', {
    name: 'bench',
    team: 'bench',
    scopes: ['tokens:issue', 'tokens:read', 'credentials:write'],
    providers: ['*'],
  });
  return created.apiKey as string;
}

/**
 * Stores `count` Mesh accounts through POST /v1/mesh/connections, 50 per user (one Link
 * session each); returns the credential ids.
 */
export async function storeMeshCredentials(
  gateway: AppProcess,
  apiKey: string,
  mesh: FakeMesh,
  count: number,
  options: { expiresInSeconds?: number; refreshedExpiresInSeconds?: number; prefix: string },
): Promise<string[]> {
  const ids: string[] = [];
  for (let user = 0; ids.length < count; user++) {
    const payload = mesh.connectAccount({
      accounts: Math.min(50, count - ids.length),
      expiresInSeconds: options.expiresInSeconds,
      refreshedExpiresInSeconds: options.refreshedExpiresInSeconds,
    });
    const stored = await callApi(gateway.baseUrl, apiKey, 'POST', '/v1/mesh/connections', {
      userId: `${options.prefix}-user-${user}`,
      payload,
    });
    ids.push(...(stored.items as { id: string }[]).map((item) => item.id));
  }
  return ids;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time of a process in ms (Linux /proc), in user space and in the kernel. */
export interface CpuTimes {
  readonly userMs: number;
  readonly systemMs: number;
}

/** User and system CPU time of a process (Linux /proc), or undefined elsewhere. */
export function cpuTimesMs(pid: number): CpuTimes | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      userMs: (Number(fields[11]) * 1_000) / CLOCK_TICKS_PER_SECOND,
      systemMs: (Number(fields[12]) * 1_000) / CLOCK_TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

/** User + system CPU time of a process in ms (Linux /proc), or undefined elsewhere. */
export function cpuTimeMs(pid: number): number | undefined {
  const times = cpuTimesMs(pid);
  return times && times.userMs + times.systemMs;
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  {
    timeoutMs = 120_000,
    intervalMs = 50,
    alive,
  }: { timeoutMs?: number; intervalMs?: number; alive?: AppProcess } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (alive && !alive.running) {
      throw new Error(
        `${alive.app} exited while waiting for ${what}:\n${alive.logs().slice(-2_000)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function round(value: number, digits = 2): string {
  return value.toFixed(digits);
}
