import { KeyhouseConfig } from '@keyhouse/config';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions, MigrationExecutor } from 'typeorm';
import { DatabaseLock, withAdvisoryLock } from './advisory-lock';
import { withoutTimeouts } from './bounded-client';
import { baseDataSourceOptions } from './data-source-options';
import { NotificationListener } from './notification-listener';

/**
 * TypeORM over the configured database. The data source is handed out only after the
 * pending migrations have run under an advisory lock, so nothing ever queries an old schema
 * and processes booting together migrate once.
 */
@Module({})
export class DatabaseModule {
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      // The one LISTEN connection, for every lib that keeps rows in memory.
      global: true,
      providers: [NotificationListener],
      exports: [NotificationListener],
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [KeyhouseConfig],
          useFactory: (config: KeyhouseConfig) => {
            if (!config.database.url) {
              throw new Error('DATABASE_URL was not resolved before the database module started');
            }
            return {
              ...baseDataSourceOptions({
                url: config.database.url.reveal(),
                poolSize: config.database.poolSize,
                applicationName,
                statementTimeoutMs: config.database.statementTimeoutMs,
                connectTimeoutMs: config.database.connectTimeoutMs,
              }),
              autoLoadEntities: true,
              // A few quick retries ride out a database that is still starting; beyond that
              // the process fails and its supervisor restarts it.
              retryAttempts: 3,
              retryDelay: 1_000,
            };
          },
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = await new DataSource(options as DataSourceOptions).initialize();
            await runPendingMigrations(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}

async function runPendingMigrations(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Migrations');
  await withAdvisoryLock(dataSource, DatabaseLock.Migrations, async (session) => {
    // On the locked session, without the statement bound: a migration may take its time.
    const executor = new MigrationExecutor(dataSource, session);
    executor.transaction = 'each';
    const applied = await withoutTimeouts(session, () => executor.executePendingMigrations());
    if (applied.length > 0) {
      logger.log({ applied: applied.map((migration) => migration.name) }, 'migrations applied');
    }
  });
}
