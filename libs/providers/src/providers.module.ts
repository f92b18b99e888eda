import { UPSTREAM_REVOKER } from '@keyhouse/vault';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ProviderCoreModule } from './provider-core.module';
import type { ProviderDefinition } from './provider-definition';
import { PROVIDER_REGISTRY } from './provider-registry';
import { ProviderRegistry, REGISTERED_PROVIDERS } from './provider-registry.service';
import { ProviderRevoker } from './provider-revoker';

/**
 * The registered providers' modules and their registry. Global so the vault's
 * upstream-revocation seam and the refresh engine can reach the registry without importing
 * each provider.
 */
@Global()
@Module({})
export class ProvidersModule {
  /** The apps pass nothing (PROVIDER_REGISTRY); a test may pass the registry plus its own. */
  static forRoot(definitions: readonly ProviderDefinition[] = PROVIDER_REGISTRY): DynamicModule {
    return {
      module: ProvidersModule,
      imports: [ProviderCoreModule, ...definitions.map((definition) => definition.module)],
      providers: [
        { provide: REGISTERED_PROVIDERS, useValue: definitions },
        ProviderRegistry,
        ProviderRevoker,
        { provide: UPSTREAM_REVOKER, useExisting: ProviderRevoker },
      ],
      exports: [ProviderRegistry, UPSTREAM_REVOKER, ProviderCoreModule],
    };
  }
}
