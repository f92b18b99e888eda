import { UPSTREAM_REVOKER } from '@keyhouse/vault';
import { Global, Module } from '@nestjs/common';
import { ProviderCoreModule } from './provider-core.module';
import { PROVIDER_REGISTRY, ProviderRegistry } from './provider-registry';
import { ProviderRevoker } from './provider-revoker';

/**
 * All provider modules and their registry. Global so the vault's upstream-revocation seam
 * and the refresh engine can reach the registry without importing each provider.
 */
@Global()
@Module({
  imports: [ProviderCoreModule, ...PROVIDER_REGISTRY.map((entry) => entry.module)],
  providers: [
    ProviderRegistry,
    ProviderRevoker,
    { provide: UPSTREAM_REVOKER, useExisting: ProviderRevoker },
  ],
  exports: [ProviderRegistry, UPSTREAM_REVOKER, ProviderCoreModule],
})
export class ProvidersModule {}
