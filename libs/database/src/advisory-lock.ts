import type { DataSource } from 'typeorm';

/** Keys for Postgres advisory locks; one place so no two features pick the same number. */
export enum DatabaseLock {
  Migrations = 7_001,
  BootstrapAdmin = 7_002,
  VaultRotation = 7_003,
}

/**
 * Runs `work` while holding a session-level advisory lock on a dedicated connection, so N
 * processes starting together take turns (immich's `withLock`). The lock is released even
 * when `work` throws, and dies with the connection if the process does.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  lock: DatabaseLock,
  work: () => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [lock]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [lock]);
    }
  } finally {
    await runner.release();
  }
}
