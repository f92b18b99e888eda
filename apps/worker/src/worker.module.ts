import { ConfigModule, type KeyhouseConfig } from '@keyhouse/config';
import { DatabaseModule } from '@keyhouse/database';
import { ObservabilityModule } from '@keyhouse/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';

/** The refresh worker: no HTTP, only the database and (once it exists) the scheduler. */
@Module({})
export class WorkerModule {
  static register(config: KeyhouseConfig, rootLogger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(rootLogger, { http: false }),
        DatabaseModule.forRoot('keyhouse-worker'),
      ],
    };
  }
}
