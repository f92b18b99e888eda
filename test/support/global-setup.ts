// Starts one throwaway embedded Postgres for the whole run (nothing needs to be installed or
// running); each test file then creates its own database on it. Set
// KEYHOUSE_TEST_POSTGRES_URL (a superuser URL) to use an existing server instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@keyhouse/database';
import { createRootLogger } from '@keyhouse/observability';

declare global {
  var keyhouseTestCluster: { stop(): Promise<void>; dataDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.KEYHOUSE_TEST_POSTGRES_URL) {
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'keyhouse-test-'));
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
