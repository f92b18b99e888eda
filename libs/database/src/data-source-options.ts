import { migrations } from '@keyhouse/migrations';
import type { DataSourceOptions } from 'typeorm';

export interface ConnectionSettings {
  readonly url: string;
  readonly poolSize: number;
  readonly applicationName: string;
}

/**
 * The options every Keyhouse data source shares. The schema changes only through the
 * migrations in migrations/: `synchronize` is off everywhere, including tests.
 */
export function baseDataSourceOptions(settings: ConnectionSettings): DataSourceOptions {
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
    // Fail fast when the database is down: health turns 503 and requests answer 503,
    // instead of every caller hanging for the driver's default.
    connectTimeoutMS: 3_000,
    extra: { idleTimeoutMillis: 30_000, connectionTimeoutMillis: 3_000 },
  };
}
