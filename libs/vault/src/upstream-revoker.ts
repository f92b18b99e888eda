import type { CredentialEntity } from './credential.entity';
import type { TokenSecrets } from './crypto/credential-cipher';

/**
 * Revokes a deleted credential at its upstream, where the provider can. The providers lib
 * supplies it; without one, deleting still erases the credential locally.
 */
export interface UpstreamRevoker {
  revoke(credential: CredentialEntity, secrets: TokenSecrets): Promise<void>;
}

export const UPSTREAM_REVOKER = Symbol('UPSTREAM_REVOKER');
