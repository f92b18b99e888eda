// Starts one throwaway embedded Postgres for the whole run (nothing needs to be installed or
// running); each test file then creates its own database on it. Set
// KEYHOUSE_TEST_POSTGRES_URL (a superuser URL) to use an existing server instead.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@keyhouse/database';
import { createRootLogger } from '@keyhouse/observability';

const CLUSTER_PREFIX = 'keyhouse-test-';

declare global {
  var keyhouseTestCluster: { stop(): Promise<void>; dataDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  sweepAbandonedClusters();
  if (process.env.KEYHOUSE_TEST_POSTGRES_URL) {
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), CLUSTER_PREFIX));
  const logger = createRootLogger({ level: 'error', name: 'test-cluster' });
  const cluster = await startEmbeddedPostgres({
    dataDir,
    logger,
    durable: false,
    maxConnections: 400,
    databaseName: 'postgres',
  });
  process.env.KEYHOUSE_TEST_POSTGRES_URL = cluster.url;
  globalThis.keyhouseTestCluster = { stop: () => cluster.stop(), dataDir };
}

/**
 * A run that was killed (Ctrl-C twice, a CI timeout) never reaches global teardown, and its
 * Postgres keeps running. Clusters whose owning jest process is gone are stopped and removed.
 */
function sweepAbandonedClusters(): void {
  for (const entry of readdirSync(tmpdir()).filter((name) => name.startsWith(CLUSTER_PREFIX))) {
    const dataDir = join(tmpdir(), entry);
    const owner = readPid(join(dataDir, 'keyhouse-owner.pid'));
    const ownerless = owner === undefined;
    // Another run in progress, or one still starting its cluster (no owner file yet).
    if (
      (owner !== undefined && isAlive(owner)) ||
      (ownerless && Date.now() - statSync(dataDir).mtimeMs < 10 * 60_000)
    ) {
      continue;
    }
    const postmaster = readPid(join(dataDir, 'postgres', 'postmaster.pid'));
    if (postmaster !== undefined && isAlive(postmaster)) {
      process.kill(postmaster, 'SIGQUIT');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) {
    return undefined;
  }
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
