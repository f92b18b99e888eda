import { AuditModule } from '@keyhouse/audit';
import { AuthModule } from '@keyhouse/auth';
import { ProblemDetailsFilter, StrictValidationPipe } from '@keyhouse/common';
import { ConfigModule, type KeyhouseConfig } from '@keyhouse/config';
import { ConsoleModule } from '@keyhouse/console';
import { CredentialsModule } from '@keyhouse/credentials';
import { DatabaseModule } from '@keyhouse/database';
import { ObservabilityModule } from '@keyhouse/observability';
import { IntegrationsModule } from '@keyhouse/integrations';
import {
  PROVIDER_REGISTRY,
  ProviderAdminModule,
  type ProviderDefinition,
  providerNames,
  ProvidersModule,
} from '@keyhouse/providers';
import { RefreshModule } from '@keyhouse/refresh';
import { VaultModule } from '@keyhouse/vault';
import { WebhooksModule } from '@keyhouse/webhooks';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';

/** The HTTP gateway: public /v1 routes, /admin, health, metrics, docs, the /console. */
@Module({})
export class GatewayModule {
  /** `providers`: the registry; a test adds its own provider to it (the sixth-provider suite). */
  static register(
    config: KeyhouseConfig,
    rootLogger: Logger,
    providers: readonly ProviderDefinition[] = PROVIDER_REGISTRY,
  ): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(rootLogger, { http: true }),
        DatabaseModule.forRoot('keyhouse-gateway'),
        AuditModule,
        AuthModule.forRoot(providerNames(providers)),
        VaultModule,
        CredentialsModule,
        IntegrationsModule.forRoot({ definitions: providers, http: true }),
        ProvidersModule.forRoot(providers),
        ProviderAdminModule,
        RefreshModule.forRoot({ scheduler: config.refresh.enabled, http: true }),
        ConsoleModule,
        WebhooksModule.forRoot({ scheduler: config.refresh.enabled, http: true }),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
      ],
    };
  }
}
