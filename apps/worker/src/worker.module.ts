import { AuditModule } from '@keyhouse/audit';
import { ProblemDetailsFilter } from '@keyhouse/common';
import { ConfigModule, type KeyhouseConfig } from '@keyhouse/config';
import { DatabaseModule } from '@keyhouse/database';
import { ObservabilityModule } from '@keyhouse/observability';
import { IntegrationsModule } from '@keyhouse/integrations';
import { PROVIDER_REGISTRY, ProvidersModule } from '@keyhouse/providers';
import { RefreshModule } from '@keyhouse/refresh';
import { VaultModule } from '@keyhouse/vault';
import { WebhooksModule } from '@keyhouse/webhooks';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';

/** The refresh worker: the scheduler, with health and metrics as its only HTTP routes. */
@Module({})
export class WorkerModule {
  static register(config: KeyhouseConfig, rootLogger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(rootLogger, { http: true }),
        DatabaseModule.forRoot('keyhouse-worker'),
        AuditModule,
        VaultModule,
        IntegrationsModule.forRoot({ definitions: PROVIDER_REGISTRY, http: false }),
        ProvidersModule.forRoot(PROVIDER_REGISTRY),
        RefreshModule.forRoot({ scheduler: true, http: false }),
        WebhooksModule.forRoot({ scheduler: true, http: false }),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
