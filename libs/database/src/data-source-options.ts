import { migrations } from '@keyhouse/migrations';
import type { DataSourceOptions } from 'typeorm';
import { BoundedClient, type BoundedClientConfig } from './bounded-client';

export interface ConnectionSettings {
  readonly url: string;
  readonly poolSize: number;
  readonly applicationName: string;
  /** Unset (tools, benchmarks): statements are not bounded. */
  readonly statementTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

/** Slack past statement_timeout before a silent connection is given up on as stalled. */
const ANSWER_SLACK_MS = 1_000;
/** A transaction left idle (its caller stalled or crashed) cannot hold its locks longer. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * The options every Keyhouse data source shares. The schema changes only through the
 * migrations in migrations/: `synchronize` is off everywhere, including tests.
 */
export function baseDataSourceOptions(settings: ConnectionSettings): DataSourceOptions {
  const connectTimeoutMs = settings.connectTimeoutMs ?? 3_000;
  return {
    type: 'postgres',
    url: settings.url,
    synchronize: false,
    migrationsRun: false,
    migrations,
    migrationsTableName: 'migrations',
    // gen_random_uuid() is built into Postgres 13+; uuid-ossp would need an extension.
    uuidExtension: 'pgcrypto',
    applicationName: settings.applicationName,
    poolSize: settings.poolSize,
    // Fail fast when the database is down or stalled: health turns 503 and requests answer
    // 503 within a bound, instead of every caller hanging for the driver's default. pg-pool's
    // connectionTimeoutMillis bounds both opening a connection and waiting for a free one.
    connectTimeoutMS: connectTimeoutMs,
    extra: {
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: connectTimeoutMs,
      ...statementBounds(settings.statementTimeoutMs),
    },
  };
}

function statementBounds(statementTimeoutMs: number | undefined): Partial<BoundedClientConfig> & {
  Client?: typeof BoundedClient;
} {
  if (statementTimeoutMs === undefined) {
    return {};
  }
  return {
    Client: BoundedClient,
    // Server side: Postgres cancels a statement (or a lock wait) that runs too long.
    statement_timeout: statementTimeoutMs,
    lock_timeout: statementTimeoutMs,
    idle_in_transaction_session_timeout: Math.max(
      IDLE_IN_TRANSACTION_TIMEOUT_MS,
      statementTimeoutMs,
    ),
    // Client side: a connection that does not answer at all is dropped.
    answerTimeoutMs: statementTimeoutMs + ANSWER_SLACK_MS,
  };
}
