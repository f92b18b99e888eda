// The hot path: GET /v1/credentials/{id}/token on a real gateway process, under autocannon
// on loopback, beside two floors in the same run and on the same database: a bare Fastify
// route returning a small JSON object, and the same route doing one raw `pg` primary-key
// query. Floors and gateway each run as their own process; the load generator is this one.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { FakeMesh } from '../libs/sandbox/src/index';
import type { AppProcess } from '../test/support/app-process';
import {
  appEnvironment,
  type BenchDatabase,
  cleanupOnInterrupt,
  createApiClient,
  cpuTimeMs,
  MESH_CLIENT_ID,
  MESH_CLIENT_SECRET,
  newVaultKey,
  startApp,
  startBenchDatabase,
  stopApp,
  storeMeshCredentials,
  withClient,
} from './harness';
import type { BenchRow } from './measure';

const BENCHMARK = 'token read (HTTP, 10 connections)';
const CONNECTIONS = 10;
const WARM_UP_SECONDS = 1;
const DURATION_SECONDS = 5;
/** Stored credentials read round-robin (and as many rows in the floor's table). */
const CREDENTIALS = 8;

export async function tokenReadBenchmark(): Promise<BenchRow[]> {
  const database = await startBenchDatabase();
  const mesh = new FakeMesh({ clientId: MESH_CLIENT_ID, clientSecret: MESH_CLIENT_SECRET });
  let floor: FloorServer | undefined;
  let gateway: AppProcess | undefined;
  try {
    await mesh.start();
    const rows: BenchRow[] = [];

    const floorIds = await createFloorTable(database.url);
    floor = await startFloorServer(database.url);
    const bare = await load(
      floor.baseUrl,
      floorIds.map((id) => `/bare/${id}`),
      {},
      { pid: floor.pid, database },
    );
    rows.push(row('floor: bare Fastify route, static JSON', bare));
    const pg = await load(
      floor.baseUrl,
      floorIds.map((id) => `/pg/${id}`),
      {},
      { pid: floor.pid, database },
    );
    rows.push(row('floor: bare Fastify route + one raw pg primary-key query', pg));
    await floor.stop();
    floor = undefined;

    const adminKey = `bench-admin-${randomBytes(24).toString('base64url')}`;
    gateway = await startApp('gateway', {
      ...appEnvironment(database.url, newVaultKey(), mesh),
      BOOTSTRAP_ADMIN_KEY: adminKey,
      // The read path alone: no scheduler ticking in the same process.
      REFRESH_ENABLED: 'false',
    });
    const apiKey = await createApiClient(gateway, adminKey);
    // Default lifetime (1 h): far outside the refresh lead, so no read refreshes first.
    const ids = await storeMeshCredentials(gateway, apiKey, mesh, CREDENTIALS, { prefix: 'read' });
    const keyhouse = await load(
      gateway.baseUrl,
      ids.map((id) => `/v1/credentials/${id}/token`),
      { authorization: `Bearer ${apiKey}` },
      { pid: gateway.pid, database },
    );
    if (mesh.refreshCount > 0) {
      throw new Error('a token read refreshed upstream: the measurement is not the read path');
    }
    rows.push(
      row(
        `Keyhouse GET /v1/credentials/{id}/token (${CREDENTIALS} credentials round-robin)`,
        keyhouse,
      ),
    );
    return rows;
  } finally {
    await floor?.stop();
    await stopApp(gateway);
    await mesh.stop();
    await database.stop();
  }
}

interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server process CPU per request, and its share of one core. */
  readonly cpuMsPerRequest?: number;
  readonly coreShare?: number;
  /** Database transactions (pg_stat_database) per request. */
  readonly transactionsPerRequest: number;
}

function row(variant: string, result: LoadResult): BenchRow {
  const cpu =
    result.cpuMsPerRequest === undefined || result.coreShare === undefined
      ? ''
      : `server CPU ${result.cpuMsPerRequest.toFixed(3)} ms/req (${Math.round(result.coreShare * 100)}% of a core); `;
  return {
    benchmark: BENCHMARK,
    variant,
    opsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    note: `requests/s; ${cpu}~${result.transactionsPerRequest.toFixed(1)} DB transactions/req`,
  };
}

/** A short warm-up, then the measured run; every answer must be a 2xx. */
async function load(
  baseUrl: string,
  paths: readonly string[],
  headers: Record<string, string>,
  server: { pid: number; database: BenchDatabase },
): Promise<LoadResult> {
  await cannon(baseUrl, paths, headers, WARM_UP_SECONDS);
  const transactionsBefore = await transactionCount(server.database.url);
  const cpuBefore = cpuTimeMs(server.pid);
  const { result, latencies } = await cannon(baseUrl, paths, headers, DURATION_SECONDS);
  const cpuAfter = cpuTimeMs(server.pid);
  const transactionsAfter = await transactionCount(server.database.url);
  const ok = result['2xx'];
  const sorted = Float64Array.from(latencies).sort();
  const cpuMs =
    cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return {
    requestsPerSecond: ok / result.duration,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuMsPerRequest: cpuMs === undefined ? undefined : cpuMs / ok,
    coreShare: cpuMs === undefined ? undefined : cpuMs / (result.duration * 1_000),
    // Minus the one transaction of the second counter read itself.
    transactionsPerRequest: (transactionsAfter - transactionsBefore - 1) / ok,
  };
}

/** One autocannon run; latencies are kept per response at sub-millisecond resolution. */
function cannon(
  baseUrl: string,
  paths: readonly string[],
  headers: Record<string, string>,
  seconds: number,
): Promise<{ result: autocannon.Result; latencies: number[] }> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections: CONNECTIONS,
        duration: seconds,
        headers,
        // Each connection walks the list in turn: the ids are read round-robin.
        requests: paths.map((path) => ({ method: 'GET' as const, path })),
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(
            error instanceof Error
              ? error
              : new Error(`autocannon failed: ${JSON.stringify(error)}`),
          );
          return;
        }
        if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
          reject(
            new Error(
              `${baseUrl}${paths[0]}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
            ),
          );
          return;
        }
        resolve({ result, latencies });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        latencies.push(responseTime);
      }
    });
  });
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/**
 * Committed + rolled-back transactions of the database so far. Backends report these at most
 * once a second, so under steady load the lag is about the same at both ends of a 5 s run.
 */
async function transactionCount(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ count: string }>(
      `SELECT xact_commit + xact_rollback AS count FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Number(rows[0]?.count ?? 0);
  });
}

/** The floor's table: a handful of token-sized rows keyed by uuid, like credentials. */
async function createFloorTable(url: string): Promise<string[]> {
  const ids = Array.from({ length: CREDENTIALS }, () => randomUUID());
  await withClient(url, async (client) => {
    await client.query(
      `CREATE TABLE floor_tokens (id uuid PRIMARY KEY, access_token text NOT NULL, expires_at timestamptz NOT NULL)`,
    );
    for (const id of ids) {
      await client.query(
        `INSERT INTO floor_tokens (id, access_token, expires_at) VALUES ($1, $2, now() + interval '1 hour')`,
        [id, randomBytes(48).toString('base64url')],
      );
    }
    await client.query('ANALYZE floor_tokens');
  });
  return ids;
}

interface FloorServer {
  readonly baseUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startFloorServer(databaseUrl: string): Promise<FloorServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'floor-server.ts')],
    {
      cwd: join(__dirname, '..'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = cleanupOnInterrupt(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
    await exited;
  });
  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`floor server did not start:\n${output}`)),
        30_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`floor server exited (${code}):\n${output}`));
      });
    });
    return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
