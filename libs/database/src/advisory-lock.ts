import type { DataSource, QueryRunner } from 'typeorm';
import { withoutTimeouts } from './bounded-client';

/** Keys for Postgres advisory locks; one place so no two features pick the same number. */
export enum DatabaseLock {
  Migrations = 7_001,
  BootstrapAdmin = 7_002,
  VaultRotation = 7_003,
}

/**
 * Runs `work` while holding a session-level advisory lock on a dedicated connection, so N
 * processes starting together take turns (immich's `withLock`). The lock is released even
 * when `work` throws, and dies with the connection if the process does. Waiting for the
 * lock is not bounded by statement_timeout: the holder may be running a long migration.
 * `work` gets the locked session, for statements that must run on it.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  lock: DatabaseLock,
  work: (session: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await withoutTimeouts(runner, () => runner.query('SELECT pg_advisory_lock($1)', [lock]));
    try {
      return await work(runner);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [lock]);
    }
  } finally {
    await runner.release();
  }
}
