// 100,000 credentials coming due over 10 minutes, one worker with its defaults, a fake Mesh
// answering in 20 ms: how late is each refresh against its refresh_at? The figure that
// matters is p99 lateness (target < 2 s). BENCH_DUE_WAVE_CREDENTIALS and
// BENCH_DUE_WAVE_SECONDS shrink it for a quick try; the README's figures use the defaults.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { FakeMesh } from '../libs/sandbox/src/index';
import type { AppProcess } from '../test/support/app-process';
import {
  appEnvironment,
  createApiClient,
  MESH_CLIENT_ID,
  MESH_CLIENT_SECRET,
  newVaultKey,
  startApp,
  startBenchDatabase,
  stopApp,
  storeMeshCredentials,
  waitFor,
} from './harness';
import type { BenchRow } from './measure';
import { peakRssNote, workerNodeOptions } from './process-stats';

const CREDENTIALS = Number(process.env.BENCH_DUE_WAVE_CREDENTIALS ?? 100_000);
const WINDOW_SECONDS = Number(process.env.BENCH_DUE_WAVE_SECONDS ?? 600);
const UPSTREAM_LATENCY_MS = 20;
const TARGET_P99_SECONDS = 2;
/** Seeding: Link sessions stored at once (50 accounts each). */
const SEED_LANES = 4;
const DEFAULT_INTERVAL_MS = 1_000;

const BENCHMARK = `${CREDENTIALS.toLocaleString('en-US')} credentials due over ${WINDOW_SECONDS % 60 === 0 ? `${WINDOW_SECONDS / 60} min` : `${WINDOW_SECONDS} s`} (Mesh, 20 ms)`;

export async function dueWaveBenchmark(): Promise<BenchRow[]> {
  const database = await startBenchDatabase();
  const mesh = new FakeMesh({ clientId: MESH_CLIENT_ID, clientSecret: MESH_CLIENT_SECRET });
  const vaultKey = newVaultKey();
  let gateway: AppProcess | undefined;
  let worker: AppProcess | undefined;
  const client = new Client({ connectionString: database.url });
  try {
    await mesh.start();
    mesh.setLatency(UPSTREAM_LATENCY_MS);
    const adminKey = `bench-admin-${randomBytes(24).toString('base64url')}`;
    const env = appEnvironment(database.url, vaultKey, mesh);
    gateway = await startApp('gateway', {
      ...env,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      REFRESH_ENABLED: 'false',
    });
    const apiKey = await createApiClient(gateway, adminKey);
    const perLane = Math.ceil(CREDENTIALS / SEED_LANES);
    await Promise.all(
      Array.from({ length: SEED_LANES }, (_, lane) =>
        storeMeshCredentials(
          gateway!,
          apiKey,
          mesh,
          Math.min(perLane, CREDENTIALS - lane * perLane),
          {
            prefix: `wave${lane}`,
            expiresInSeconds: 86_400,
            refreshedExpiresInSeconds: 86_400,
          },
        ),
      ),
    );
    await stopApp(gateway);
    gateway = undefined;

    await client.connect();
    // Due evenly across the window, starting a little after the worker is up; the due time
    // is kept aside, since a refresh moves refresh_at on.
    await client.query(
      `CREATE TABLE bench_due AS
      SELECT id, now() + interval '15 seconds' + (row_number() OVER (ORDER BY id) - 1) * make_interval(secs => $1::float8 / $2) AS due_at
        FROM credentials`,
      [WINDOW_SECONDS, CREDENTIALS],
    );
    await client.query(
      `UPDATE credentials c SET refresh_at = d.due_at FROM bench_due d WHERE c.id = d.id`,
    );
    const refreshesBefore = mesh.refreshCount;
    worker = await startApp('worker', { ...env, ...workerNodeOptions() });
    const refreshed = async () =>
      Number(
        (
          await client.query<{ count: string }>(
            `SELECT count(*) FROM credentials WHERE last_refreshed_at IS NOT NULL`,
          )
        ).rows[0].count,
      ) === CREDENTIALS;
    await waitFor(refreshed, `${CREDENTIALS} refreshes`, {
      alive: worker,
      intervalMs: 1_000,
      timeoutMs: (WINDOW_SECONDS + 300) * 1_000,
    });
    const rss = peakRssNote(worker.pid, 'worker');
    const { rows } = await client.query<{
      p50: number;
      p99: number;
      max: number;
      failed: string;
      late: string;
      late_seconds: string;
    }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lateness) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY lateness) AS p99,
              max(lateness) AS max,
              count(*) FILTER (WHERE status <> 'active' OR attempts > 0) AS failed,
              count(*) FILTER (WHERE lateness >= $1) AS late,
              count(DISTINCT date_trunc('second', due_at)) FILTER (WHERE lateness >= $1) AS late_seconds
         FROM (SELECT extract(epoch FROM c.last_refreshed_at - d.due_at)::float8 AS lateness, d.due_at, c.status, c.attempts
                 FROM credentials c JOIN bench_due d ON d.id = c.id) AS l`,
      [TARGET_P99_SECONDS],
    );
    const [result] = rows;
    const presented = mesh.refreshCount - refreshesBefore;
    if (presented !== CREDENTIALS || Number(result.failed) > 0) {
      throw new Error(
        `expected ${CREDENTIALS} refreshes; the fake saw ${presented}, ${result.failed} rows failed`,
      );
    }
    return [
      {
        benchmark: BENCHMARK,
        variant: `floor: a scheduler that wakes every ${DEFAULT_INTERVAL_MS} ms (REFRESH_INTERVAL_MS) and calls a ${UPSTREAM_LATENCY_MS} ms upstream`,
        opsPerSecond: CREDENTIALS / WINDOW_SECONDS,
        note: `lateness at most ${(DEFAULT_INTERVAL_MS + UPSTREAM_LATENCY_MS) / 1_000} s by construction; ops/s is the arrival rate`,
      },
      {
        benchmark: BENCHMARK,
        variant: 'Keyhouse: 1 worker, defaults; lateness = last_refreshed_at − refresh_at',
        opsPerSecond: CREDENTIALS / WINDOW_SECONDS,
        p50Ms: result.p50 * 1_000,
        p99Ms: result.p99 * 1_000,
        note:
          `p99 ${result.p99.toFixed(2)} s (target < ${TARGET_P99_SECONDS} s, ${result.p99 < TARGET_P99_SECONDS ? 'met' : 'MISSED'}), ` +
          `max ${result.max.toFixed(2)} s; ${result.late} refreshes ${TARGET_P99_SECONDS} s late or more, due within ${result.late_seconds} distinct seconds (a stall, when few); ` +
          `every token presented once; ${rss}`,
      },
    ];
  } finally {
    await stopApp(worker);
    await stopApp(gateway);
    await client.end().catch(() => undefined);
    await mesh.stop();
    await database.stop();
  }
}
