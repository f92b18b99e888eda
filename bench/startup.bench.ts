// Warm start: how long a gateway takes from spawn to /health/ready on a database that is
// already initialised (migrations applied), beside a bare Fastify server started the same way.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../test/support/app-process';
import {
  appEnvironment,
  newVaultKey,
  startApp,
  startBenchDatabase,
  stopApp,
  waitFor,
} from './harness';
import type { BenchRow } from './measure';
import { peakRssNote } from './process-stats';

const BENCHMARK = 'warm start to /health/ready';
const STARTS = 3;
const TARGET_MS = 3_000;

export async function startupBenchmark(): Promise<BenchRow[]> {
  const database = await startBenchDatabase();
  try {
    const env = {
      ...appEnvironment(database.url, newVaultKey()),
      BOOTSTRAP_ADMIN_KEY: `bench-admin-${randomBytes(24).toString('base64url')}`,
    };
    // The first start migrates the fresh database; the measured ones find it ready.
    await stopApp(await startApp('gateway', env));

    const floorMs = median(await repeat(bareFastifyStartMs));
    const gatewayStarts: { ms: number; rss: string }[] = [];
    for (let start = 0; start < STARTS; start++) {
      const begun = performance.now();
      const gateway = await startApp('gateway', env);
      const ms = performance.now() - begun;
      gatewayStarts.push({ ms, rss: peakRssNote(gateway.pid, 'gateway') });
      await stopApp(gateway);
    }
    const gatewayMs = median(gatewayStarts.map((start) => start.ms));
    return [
      {
        benchmark: BENCHMARK,
        variant: 'floor: node + bare Fastify, spawn to first 200',
        opsPerSecond: 1_000 / floorMs,
        note: `${Math.round(floorMs)} ms (median of ${STARTS})`,
      },
      {
        benchmark: BENCHMARK,
        variant: 'Keyhouse gateway (production mode, database migrated)',
        opsPerSecond: 1_000 / gatewayMs,
        note:
          `${Math.round(gatewayMs)} ms (median of ${STARTS}); target < ${TARGET_MS} ms, ` +
          `${gatewayMs < TARGET_MS ? 'met' : 'MISSED'}; ${gatewayStarts[0].rss} at ready`,
      },
    ];
  } finally {
    await database.stop();
  }
}

async function repeat(measure: () => Promise<number>): Promise<number[]> {
  const values: number[] = [];
  for (let index = 0; index < STARTS; index++) {
    values.push(await measure());
  }
  return values;
}

/** Spawns floor-server.ts's bare route compiled on the fly, and times it to its first 200. */
async function bareFastifyStartMs(): Promise<number> {
  const port = await freePort();
  const begun = performance.now();
  const child = spawn(process.execPath, ['-e', BARE_SERVER, String(port)], {
    cwd: join(__dirname, '..'),
    stdio: 'ignore',
  });
  try {
    await waitFor(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/`)).status === 200;
        } catch {
          return false;
        }
      },
      'the bare Fastify server',
      { intervalMs: 10, timeoutMs: 30_000 },
    );
    return performance.now() - begun;
  } finally {
    child.kill('SIGKILL');
  }
}

const BARE_SERVER = `
const app = require('fastify')();
app.get('/', async () => ({ ok: true }));
app.listen({ port: Number(process.argv[1]), host: '127.0.0.1' });
`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
