import type { CredentialEntity, TokenSecrets, UpstreamRevoker } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { ProviderRegistry } from './provider-registry';

/** Deleting a credential revokes it upstream through its provider, where the upstream can. */
@Injectable()
export class ProviderRevoker implements UpstreamRevoker {
  constructor(private readonly registry: ProviderRegistry) {}

  async revoke(credential: CredentialEntity, secrets: TokenSecrets): Promise<void> {
    const provider = this.registry.get(credential.provider);
    if (provider.isConfigured()) {
      await provider.revoke(credential, secrets);
    }
  }
}
