import type { CredentialEntity, CredentialMetadata, TokenSecrets } from '@keyhouse/vault';

/**
 * Which credentials the scheduler keeps alive in the background:
 * - always: the connection is lost if it lapses (Mesh refresh tokens expire);
 * - while-read: only while someone read it within its last lifetime (MyDataHelps, api.stream);
 * - never: minted on demand, nothing to keep (TPA Stream, Stream Chat).
 */
export type KeepAlive = 'always' | 'while-read' | 'never';

export interface RefreshTarget {
  readonly credential: CredentialEntity;
  readonly secrets: TokenSecrets;
  readonly now: Date;
}

export interface RefreshedTokens {
  readonly accessToken: string;
  /** A new refresh token, or null when the upstream returned none (the old one is kept). */
  readonly refreshToken: string | null;
  readonly obtainedAt: Date;
  readonly expiresInSeconds: number | null;
  /** The new refresh token's lifetime; undefined keeps the current refresh-token expiry. */
  readonly refreshTokenExpiresInSeconds?: number | null;
  readonly metadata?: CredentialMetadata;
}

/**
 * One upstream, behind the small interface the rest of Keyhouse uses. Minting is
 * provider-specific (each module has its own routes); refreshing, scheduling and revoking
 * are common. Adding a provider means one module implementing this, and one registry line.
 */
export interface TokenProvider {
  readonly name: string;
  readonly keepAlive: KeepAlive;
  isConfigured(): boolean;
  /** Whether this stored credential can be refreshed without the user (e.g. not once expired). */
  canRefresh(credential: CredentialEntity, now: Date): boolean;
  /** Throws ProviderError; the caller decides what a failure means for the credential. */
  refresh(target: RefreshTarget): Promise<RefreshedTokens>;
  /** Revokes at the upstream where it can; a no-op where it cannot. */
  revoke(credential: CredentialEntity, secrets: TokenSecrets): Promise<void>;
}
