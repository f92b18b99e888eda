import { type KeyhouseConfig, Secret } from '@keyhouse/config';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface ResolvedDatabase {
  /** The configuration with `database.url` always set. */
  readonly config: KeyhouseConfig;
  /** Stops the embedded cluster, if this process started one; call after the app closed. */
  stop(): Promise<void>;
}

/** DATABASE_URL when given; otherwise the embedded Postgres under DATA_DIR. */
export async function resolveDatabase(
  config: KeyhouseConfig,
  logger: Logger,
): Promise<ResolvedDatabase> {
  if (config.database.url) {
    return { config, stop: () => Promise.resolve() };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, logger });
  return {
    config: { ...config, database: { ...config.database, url: new Secret(embedded.url) } },
    stop: () => embedded.stop(),
  };
}
