// The hot path: GET /v1/credentials/{id}/token on a real gateway process, under autocannon
// on loopback at 64 connections, beside its floor in the same run: a bare Fastify route
// answering a body of the same shape and size (and, for scale, the same route doing one raw
// `pg` primary-key query). Then the Stream Chat mint (POST /v1/stream-chat/tokens: sign,
// store, answer) beside a bare Fastify POST answering a body the size of a mint's. Each row
// says its ratio to its floor and the target; for scale, a bare Nest route and the
// gateway's own /health/live show what the frameworks cost before any work. The RSS row is
// the gateway's peak.
// Floors and gateway each run as their own process; the load generator is this one.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { FakeMesh } from '../libs/sandbox/src/index';
import type { AppProcess } from '../test/support/app-process';
import {
  appEnvironment,
  type BenchDatabase,
  callApi,
  cleanupOnInterrupt,
  createApiClient,
  cpuTimesMs,
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
import { peakRssMb, RSS_TARGET_MB } from './process-stats';

const CONNECTIONS = 64;
const BENCHMARK = `token read (HTTP, ${CONNECTIONS} connections)`;
const WARM_UP_SECONDS = 2;
const DURATION_SECONDS = 5;
/** Stored credentials read round-robin (and as many rows in the floor's table). */
const CREDENTIALS = 8;
/** Users minted for round-robin, so concurrent mints rarely wait on one row's lock. */
const MINT_USERS = 256;
/** Share of the floor's requests/s: the target, and the goal beyond it. */
const TARGET_RATIO = 0.4;
const GOAL_RATIO = 0.5;
const P99_TARGET_MS = 20;
/** Reads with auditing may be at most this much slower than reads without. */
const AUDIT_COST_TARGET = 0.15;
/** Alternating audited and unaudited runs for the audit cost; the medians are compared. */
const AUDIT_ROUNDS = 5;

export async function tokenReadBenchmark(): Promise<BenchRow[]> {
  const database = await startBenchDatabase();
  const mesh = new FakeMesh({ clientId: MESH_CLIENT_ID, clientSecret: MESH_CLIENT_SECRET });
  let floor: FloorServer | undefined;
  let gateway: AppProcess | undefined;
  let unaudited: AppProcess | undefined;
  try {
    await mesh.start();
    const rows: BenchRow[] = [];

    const adminKey = `bench-admin-${randomBytes(24).toString('base64url')}`;
    const gatewayEnv = {
      ...appEnvironment(database.url, newVaultKey(), mesh),
      BOOTSTRAP_ADMIN_KEY: adminKey,
      // The read path alone: no scheduler ticking in the same process.
      REFRESH_ENABLED: 'false',
      STREAM_CHAT_API_KEY: 'bench-chat',
      STREAM_CHAT_API_SECRET: `bench-chat-secret-${randomBytes(16).toString('hex')}`,
    };
    gateway = await startApp('gateway', gatewayEnv);
    const apiKey = await createApiClient(gateway, adminKey);
    // Default lifetime (1 h): far outside the refresh lead, so no read refreshes first.
    const ids = await storeMeshCredentials(gateway, apiKey, mesh, CREDENTIALS, { prefix: 'read' });
    // The floors answer bodies of exactly the size the gateway's answers have.
    const tokenBody = await callApi(
      gateway.baseUrl,
      apiKey,
      'GET',
      `/v1/credentials/${ids[0]}/token`,
    );
    const mintBody = await callApi(gateway.baseUrl, apiKey, 'POST', '/v1/stream-chat/tokens', {
      userId: 'bench-sample',
    });

    const floorIds = await createFloorTable(database.url);
    floor = await startFloorServer(database.url, {
      FLOOR_GET_BODY: JSON.stringify(sameSize(tokenBody)),
      FLOOR_POST_BODY: JSON.stringify(sameSize(mintBody)),
    });
    const bare = await load(
      floor.baseUrl,
      floorIds.map((id) => ({ path: `/bare/${id}` })),
      {},
      { pid: floor.pid, database },
    );
    rows.push(row(`floor: bare Fastify GET, ${JSON.stringify(tokenBody).length}-byte JSON`, bare));
    const pg = await load(
      floor.baseUrl,
      floorIds.map((id) => ({ path: `/pg/${id}` })),
      {},
      { pid: floor.pid, database },
    );
    rows.push(row('floor: bare Fastify GET + one raw pg primary-key query', pg));
    const barePost = await load(
      floor.baseUrl,
      mintRequests('/bare'),
      { 'content-type': 'application/json' },
      { pid: floor.pid, database },
    );
    rows.push(
      row(`floor: bare Fastify POST, ${JSON.stringify(mintBody).length}-byte JSON`, barePost),
    );
    await floor.stop();
    floor = undefined;
    // For scale, not a target: Nest's own pipeline on the same answer.
    floor = await startFloorServer(
      database.url,
      { FLOOR_GET_BODY: JSON.stringify(sameSize(tokenBody)) },
      'floor-nest-server.ts',
    );
    const bareNest = await load(
      floor.baseUrl,
      floorIds.map((id) => ({ path: `/bare/${id}` })),
      {},
      { pid: floor.pid, database },
    );
    rows.push(scaleRow('floor: bare Nest (Fastify adapter) GET, same body', bareNest, bare));
    await floor.stop();
    floor = undefined;

    // For scale, not a target: the gateway's cheapest route, through every per-request hook
    // (request id, logging scope, input guards, security headers, metrics) and Nest's router.
    const liveness = await load(
      gateway.baseUrl,
      [{ path: '/health/live' }],
      {},
      { pid: gateway.pid, database },
    );
    rows.push(
      scaleRow('Keyhouse GET /health/live (its per-request stack, no work)', liveness, bare),
    );

    const auditedBefore = await auditedReads(database.url);
    const keyhouse = await load(
      gateway.baseUrl,
      ids.map((id) => ({ path: `/v1/credentials/${id}/token` })),
      { authorization: `Bearer ${apiKey}` },
      { pid: gateway.pid, database },
    );
    // Every read is audited; a figure bought by dropping audit events would not count.
    const audited = (await settledAuditedReads(database.url)) - auditedBefore;
    if (mesh.refreshCount > 0) {
      throw new Error('a token read refreshed upstream: the measurement is not the read path');
    }
    const readRow = row(
      `Keyhouse GET /v1/credentials/{id}/token (${CREDENTIALS} credentials round-robin)`,
      keyhouse,
      { floor: bare, name: 'bare GET' },
    );
    rows.push({
      ...readRow,
      note: `${readRow.note}; audit events written for ${((audited / keyhouse.served) * 100).toFixed(1)}% of reads (warm-up included)`,
    });
    const mint = await load(
      gateway.baseUrl,
      mintRequests('/v1/stream-chat/tokens'),
      { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      { pid: gateway.pid, database },
    );
    rows.push(
      row(`Keyhouse POST /v1/stream-chat/tokens (${MINT_USERS} users round-robin)`, mint, {
        floor: barePost,
        name: 'bare POST',
      }),
    );
    const peakMb = peakRssMb(gateway.pid);
    rows.push({
      benchmark: BENCHMARK,
      variant: 'Keyhouse gateway peak RSS over the run',
      opsPerSecond: Number.NaN,
      note:
        peakMb === undefined
          ? 'peak RSS unavailable (no /proc)'
          : `${peakMb.toFixed(0)} MB (target < ${RSS_TARGET_MB} MB: ${peakMb < RSS_TARGET_MB ? 'met' : 'NOT met'})`,
    });

    // What auditing costs a read: the same reads on a second gateway that audits none,
    // measured in alternation with the first, AUDIT_ROUNDS times each, median against median,
    // so a burst of load elsewhere on the machine lands on both sides rather than on one.
    unaudited = await startApp('gateway', { ...gatewayEnv, AUDIT_READS: 'false' });
    const auditedRuns: LoadResult[] = [];
    const notAudited: LoadResult[] = [];
    for (let round = 0; round < AUDIT_ROUNDS; round++) {
      for (const [target, results] of [
        [gateway, auditedRuns],
        [unaudited, notAudited],
      ] as const) {
        results.push(
          await load(
            target.baseUrl,
            ids.map((id) => ({ path: `/v1/credentials/${id}/token` })),
            { authorization: `Bearer ${apiKey}` },
            { pid: target.pid, database },
          ),
        );
      }
    }
    const withAudit = medianRun(auditedRuns);
    const withoutAudit = medianRun(notAudited);
    const auditCost = 1 - withAudit.requestsPerSecond / withoutAudit.requestsPerSecond;
    rows.push({
      ...row(
        `Keyhouse GET /v1/credentials/{id}/token with AUDIT_READS=false (median of ${AUDIT_ROUNDS}, alternating)`,
        withoutAudit,
      ),
      note: `the audited gateway's median in the same alternation: ${Math.round(withAudit.requestsPerSecond)}/s; audited reads are ${Math.abs(auditCost * 100).toFixed(1)}% ${auditCost >= 0 ? 'slower' : 'faster'} (target within ${AUDIT_COST_TARGET * 100}%: ${auditCost <= AUDIT_COST_TARGET ? 'met' : 'NOT met'})`,
    });
    return rows;
  } finally {
    await floor?.stop();
    await stopApp(unaudited);
    await stopApp(gateway);
    await mesh.stop();
    await database.stop();
  }
}

/** The same JSON with every string replaced by as many "x": same shape, same byte count. */
function sameSize(value: unknown): unknown {
  if (typeof value === 'string') {
    return 'x'.repeat(Buffer.byteLength(value));
  }
  if (Array.isArray(value)) {
    return value.map(sameSize);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, sameSize(item)]));
  }
  return value;
}

/**
 * One request whose body names the next user of one counter shared by every connection.
 * A list of 256 bodies would not do: autocannon walks it from the start on each connection,
 * so all 64 would mint the same user at once and queue on its row's lock.
 */
function mintRequests(path: string): Request[] {
  let next = 0;
  return [
    {
      method: 'POST' as const,
      path,
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ userId: `bench-user-${next++ % MINT_USERS}` }),
      }),
    },
  ];
}

interface Request {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly setupRequest?: (request: autocannon.Request) => autocannon.Request;
}

interface LoadResult {
  readonly requestsPerSecond: number;
  /** 2xx answers, warm-up included. */
  readonly served: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server process CPU per request, and its share of one core. */
  readonly cpuMsPerRequest?: number;
  readonly coreShare?: number;
  /**
   * The kernel's part of that CPU: the socket reads and writes of every request, which no
   * user-space saving touches and which the floor pays too.
   */
  readonly kernelMsPerRequest?: number;
  /** Database transactions (pg_stat_database) per request. */
  readonly transactionsPerRequest: number;
}

/** The run with the median requests/s (AUDIT_ROUNDS is odd, so it is one real run). */
function medianRun(results: readonly LoadResult[]): LoadResult {
  const sorted = [...results].sort(
    (left, right) => left.requestsPerSecond - right.requestsPerSecond,
  );
  const median = sorted[Math.floor(sorted.length / 2)];
  if (median === undefined) {
    throw new Error('no runs to take the median of');
  }
  return median;
}

function row(
  variant: string,
  result: LoadResult,
  against?: { floor: LoadResult; name: string },
): BenchRow {
  const cpu =
    result.cpuMsPerRequest === undefined || result.coreShare === undefined
      ? ''
      : `server CPU ${result.cpuMsPerRequest.toFixed(3)} ms/req (${Math.round(result.coreShare * 100)}% of a core${kernelShare(result)}); `;
  return {
    benchmark: BENCHMARK,
    variant,
    opsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    note: `requests/s; ${cpu}~${result.transactionsPerRequest.toFixed(1)} DB transactions/req${against ? `; ${verdict(result, against)}` : ''}`,
  };
}

/** How much of the server's CPU per request was spent in the kernel, when known. */
function kernelShare(result: LoadResult): string {
  return result.kernelMsPerRequest === undefined
    ? ''
    : `, ${result.kernelMsPerRequest.toFixed(3)} ms of it in the kernel`;
}

/** A row for scale, with no target: its share of the bare GET floor. */
function scaleRow(variant: string, result: LoadResult, bare: LoadResult): BenchRow {
  const plain = row(variant, result);
  const share = ((result.requestsPerSecond / bare.requestsPerSecond) * 100).toFixed(1);
  return { ...plain, note: `${plain.note}; ${share}% of the bare GET floor (for scale)` };
}

/** The figure against its floor, and against the targets. */
function verdict(result: LoadResult, against: { floor: LoadResult; name: string }): string {
  const ratio = result.requestsPerSecond / against.floor.requestsPerSecond;
  const met = ratio >= GOAL_RATIO ? 'goal met' : ratio >= TARGET_RATIO ? 'target met' : 'NOT met';
  const p99 = result.p99Ms < P99_TARGET_MS ? 'met' : 'NOT met';
  return (
    `${(ratio * 100).toFixed(1)}% of the ${against.name} floor's ${Math.round(against.floor.requestsPerSecond)}/s ` +
    `(target ${TARGET_RATIO * 100}%, goal ${GOAL_RATIO * 100}%: ${met}); p99 target < ${P99_TARGET_MS} ms: ${p99}`
  );
}

/** A short warm-up, then the measured run; every answer must be a 2xx. */
async function load(
  baseUrl: string,
  requests: readonly Request[],
  headers: Record<string, string>,
  server: { pid: number; database: BenchDatabase },
): Promise<LoadResult> {
  const warmUp = await cannon(baseUrl, requests, headers, WARM_UP_SECONDS);
  const transactionsBefore = await transactionCount(server.database.url);
  const cpuBefore = cpuTimesMs(server.pid);
  const { result, latencies } = await cannon(baseUrl, requests, headers, DURATION_SECONDS);
  const cpuAfter = cpuTimesMs(server.pid);
  const transactionsAfter = await transactionCount(server.database.url);
  const ok = result['2xx'];
  const sorted = Float64Array.from(latencies).sort();
  const spent =
    cpuBefore && cpuAfter
      ? {
          userMs: cpuAfter.userMs - cpuBefore.userMs,
          systemMs: cpuAfter.systemMs - cpuBefore.systemMs,
        }
      : undefined;
  const cpuMs = spent && spent.userMs + spent.systemMs;
  return {
    requestsPerSecond: ok / result.duration,
    served: ok + warmUp.result['2xx'],
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuMsPerRequest: cpuMs === undefined ? undefined : cpuMs / ok,
    kernelMsPerRequest: spent && spent.systemMs / ok,
    coreShare: cpuMs === undefined ? undefined : cpuMs / (result.duration * 1_000),
    // Minus the one transaction of the second counter read itself.
    transactionsPerRequest: (transactionsAfter - transactionsBefore - 1) / ok,
  };
}

/** One autocannon run; latencies are kept per response at sub-millisecond resolution. */
function cannon(
  baseUrl: string,
  requests: readonly Request[],
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
        requests: requests.map((request) => ({ method: 'GET' as const, ...request })),
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
              `${baseUrl}${requests[0]?.path}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
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

/** The same once quiet writes still in flight have landed (or failed): stable for 1 s. */
async function settledAuditedReads(url: string): Promise<number> {
  let last = await auditedReads(url);
  for (let round = 0; round < 15; round++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = await auditedReads(url);
    if (now === last) {
      return now;
    }
    last = now;
  }
  return last;
}

/** credential.read events in the audit trail so far. */
async function auditedReads(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM audit_events WHERE action = 'credential.read'`,
    );
    return rows[0]?.count ?? 0;
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

async function startFloorServer(
  databaseUrl: string,
  bodies: { FLOOR_GET_BODY: string; FLOOR_POST_BODY?: string },
  script = 'floor-server.ts',
): Promise<FloorServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, script)],
    {
      cwd: join(__dirname, '..'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: databaseUrl,
        ...bodies,
      },
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
