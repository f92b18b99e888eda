import type { CredentialEntity, TokenSecrets, UpstreamRevoker } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { ProviderIntegrations } from './provider-integrations.service';
import { ProviderRegistry } from './provider-registry.service';

/**
 * Deleting a credential revokes it upstream through its provider, where the upstream can,
 * with the current keys of the integration it was minted under.
 */
@Injectable()
export class ProviderRevoker implements UpstreamRevoker {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly integrations: ProviderIntegrations,
  ) {}

  async revoke(credential: CredentialEntity, secrets: TokenSecrets): Promise<void> {
    const provider = this.registry.get(credential.provider);
    const integration = this.integrations.find(credential);
    if (provider.revoke && integration) {
      await provider.revoke({ credential, secrets, integration });
    }
  }
}
