import type { Integration } from '@keyhouse/integrations';
import {
  type CredentialEntity,
  type CredentialMetadata,
  isPendingAccountKey,
  type TokenSecrets,
} from '@keyhouse/vault';

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
  /** The integration the credential was minted under, with its current keys. */
  readonly integration: Integration;
}

/** What a revocation at the upstream needs: the credential, its tokens, its integration. */
export interface RevokeTarget {
  readonly credential: CredentialEntity;
  readonly secrets: TokenSecrets;
  readonly integration: Integration;
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

/** One account a grant turned out to name, to be stored as its own credential. */
export interface DiscoveredAccount {
  readonly accountKey: string;
  readonly accessToken: string;
  /** Null: the account keeps the grant's refresh token. */
  readonly refreshToken: string | null;
  readonly obtainedAt: Date;
  readonly expiresInSeconds: number | null;
  readonly refreshTokenExpiresInSeconds: number | null;
  readonly metadata: CredentialMetadata;
}

/**
 * A grant stored before its accounts were known (Mesh delayed auth) answered with them:
 * each account becomes one credential, and the grant's own row becomes the first of them.
 */
export interface AccountsDiscovered {
  readonly kind: 'accounts';
  readonly accounts: readonly DiscoveredAccount[];
}

export type RefreshAnswer = RefreshedTokens | AccountsDiscovered;

/** What a refresh the upstream stopped for a one-time code needs to go on. */
export interface SecondFactorTarget extends RefreshTarget {
  /** The interim token the stopped refresh returned (kept sealed meanwhile). */
  readonly interimAccessToken: string;
  readonly code: string;
}

/**
 * One upstream, behind the small interface the rest of Keyhouse uses. Minting is
 * provider-specific (each module has its own routes); refreshing, scheduling, revoking and
 * checking are common, and optional: a provider implements only what its upstream offers.
 * Every call takes the integration (the provider app) whose keys it uses.
 */
export interface TokenProvider {
  readonly name: string;
  readonly keepAlive: KeepAlive;
  /**
   * Whether this stored credential can be refreshed without the user (e.g. not once
   * expired). Absent with `refresh`: never (tokens are minted anew instead).
   */
  canRefresh?(credential: CredentialEntity, now: Date): boolean;
  /** Throws ProviderError; the caller decides what a failure means for the credential. */
  refresh?(target: RefreshTarget): Promise<RefreshedTokens>;
  /**
   * Optional: the first exchange of a pending grant (a credential whose account key is a
   * placeholder), whose answer names the accounts. Without it, such a grant is refreshed.
   */
  exchangePendingGrant?(target: RefreshTarget): Promise<AccountsDiscovered>;
  /**
   * Optional: finishes a refresh that threw SecondFactorRequired, with the user's code.
   * Throws SecondFactorRequired again when the code is refused and another may be tried.
   */
  completeWithCode?(target: SecondFactorTarget): Promise<RefreshAnswer>;
  /** Optional: revokes at the upstream. Without it, deleting erases Keyhouse's copy only. */
  revoke?(target: RevokeTarget): Promise<void>;
  /** Optional: one harmless upstream call with the integration's keys; throws ProviderError. */
  check?(integration: Integration): Promise<void>;
}

/** Whether the provider can refresh this credential now. */
export function canRefresh(
  provider: TokenProvider,
  credential: CredentialEntity,
  now: Date,
): boolean {
  return provider.refresh !== undefined && (provider.canRefresh?.(credential, now) ?? true);
}

/** The one refresh call the engine makes: a pending grant is exchanged, anything else refreshed. */
export function refreshThrough(
  provider: TokenProvider,
  target: RefreshTarget,
): Promise<RefreshAnswer> {
  if (provider.exchangePendingGrant && isPendingAccountKey(target.credential.accountKey)) {
    return provider.exchangePendingGrant(target);
  }
  if (!provider.refresh) {
    throw new Error(`${provider.name} does not refresh; canRefresh() is checked first`);
  }
  return provider.refresh(target);
}
