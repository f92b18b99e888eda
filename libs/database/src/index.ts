export { DatabaseLock, withAdvisoryLock } from './advisory-lock';
export { BoundedClient, withoutTimeouts } from './bounded-client';
export { baseDataSourceOptions, type ConnectionSettings } from './data-source-options';
export { DatabaseModule } from './database.module';
export {
  type EmbeddedDatabase,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './embedded-postgres';
export { resolveDatabase, type ResolvedDatabase } from './resolve-database';
export { CoherentCache, type CoherentCacheOptions } from './coherent-cache';
export {
  LISTENER_APPLICATION_NAME,
  NotificationListener,
  type NotificationSubscriber,
} from './notification-listener';
