import { AuditModule } from '@keyhouse/audit';
import { SealedTables, VaultModule } from '@keyhouse/vault';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminIntegrationsController } from './admin-integrations.controller';
import { IntegrationEntity } from './integration.entity';
import { IntegrationRepository } from './integration.repository';
import { IntegrationDirectory } from './integration-directory.service';
import { INTEGRATION_DEFINITIONS, type IntegrationDefinition } from './integration-definition';
import { integrationKeyContext, IntegrationSealing } from './integration-sealing';
import { IntegrationsService } from './integrations.service';
import { UpstreamIdentities, vaultHeldKeyContext } from './upstream-identities.service';
import { VaultHeldKeyEntity } from './vault-held-key.entity';

export interface IntegrationsModuleOptions {
  readonly definitions: readonly IntegrationDefinition[];
  /** Serve /admin/integrations (the gateway does; the worker only reads integrations). */
  readonly http: boolean;
}

/**
 * Provider apps as data: storage, the in-memory directory, upstream identities, admin routes.
 * Vault rotation and key counts cover the integrations and the held keys too.
 */
@Global()
@Module({})
export class IntegrationsModule {
  /** Registered as soon as the module exists, so vault checks at start already see them. */
  constructor(sealedTables: SealedTables) {
    sealedTables.register({ table: 'integrations', context: integrationKeyContext });
    sealedTables.register({ table: 'vault_held_keys', context: vaultHeldKeyContext });
  }

  static forRoot(options: IntegrationsModuleOptions): DynamicModule {
    return {
      module: IntegrationsModule,
      imports: [
        TypeOrmModule.forFeature([IntegrationEntity, VaultHeldKeyEntity]),
        VaultModule,
        AuditModule,
      ],
      controllers: options.http ? [AdminIntegrationsController] : [],
      providers: [
        { provide: INTEGRATION_DEFINITIONS, useValue: options.definitions },
        IntegrationRepository,
        IntegrationSealing,
        IntegrationDirectory,
        IntegrationsService,
        UpstreamIdentities,
      ],
      exports: [
        IntegrationDirectory,
        IntegrationsService,
        UpstreamIdentities,
        INTEGRATION_DEFINITIONS,
      ],
    };
  }
}
