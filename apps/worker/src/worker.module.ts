import { AuditModule } from '@keyhouse/audit';
import { ConfigModule, type KeyhouseConfig } from '@keyhouse/config';
import { DatabaseModule } from '@keyhouse/database';
import { ObservabilityModule } from '@keyhouse/observability';
import { ProvidersModule } from '@keyhouse/providers';
import { RefreshModule } from '@keyhouse/refresh';
import { VaultModule } from '@keyhouse/vault';
import { WebhooksModule } from '@keyhouse/webhooks';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';

/** The refresh worker: the scheduler alone, no HTTP. */
@Module({})
export class WorkerModule {
  static register(config: KeyhouseConfig, rootLogger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(rootLogger, { http: false }),
        DatabaseModule.forRoot('keyhouse-worker'),
        AuditModule,
        VaultModule,
        ProvidersModule,
        RefreshModule.forRoot({ scheduler: true, http: false }),
        WebhooksModule.forRoot({ scheduler: true, http: false }),
      ],
    };
  }
}
