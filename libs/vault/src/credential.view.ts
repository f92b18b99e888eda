import type { CredentialEntity, CredentialMetadata, CredentialStatus } from './credential.entity';

/** A credential's metadata as callers see it: never a token, never key material. */
export interface CredentialView {
  readonly id: string;
  readonly provider: string;
  readonly userId: string;
  readonly accountId: string | null;
  readonly status: CredentialStatus;
  readonly expiresAt: string | null;
  readonly refreshTokenExpiresAt: string | null;
  readonly refreshAt: string | null;
  readonly lastRefreshedAt: string | null;
  readonly lastError: string | null;
  readonly metadata: CredentialMetadata;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Operators also see the owning team and the refresh bookkeeping. */
export interface AdminCredentialView extends CredentialView {
  readonly team: string;
  readonly attempts: number;
  readonly vaultKeyId: string | null;
}

/**
 * A grant stored before its account is known (Mesh delayed auth) gets a placeholder account
 * key, unique per grant, so two pending grants of one user never replace each other (and
 * never replace the account-less link token). Callers see its `accountId` as null.
 */
export const PENDING_ACCOUNT_PREFIX = 'pending:';

export function isPendingAccountKey(accountKey: string): boolean {
  return accountKey.startsWith(PENDING_ACCOUNT_PREFIX);
}

export function presentCredential(credential: CredentialEntity): CredentialView {
  return {
    id: credential.id,
    provider: credential.provider,
    userId: credential.userId,
    accountId:
      credential.accountKey === '' || isPendingAccountKey(credential.accountKey)
        ? null
        : credential.accountKey,
    status: credential.status,
    expiresAt: iso(credential.expiresAt),
    refreshTokenExpiresAt: iso(credential.refreshTokenExpiresAt),
    refreshAt: iso(credential.refreshAt),
    lastRefreshedAt: iso(credential.lastRefreshedAt),
    lastError: credential.lastError,
    metadata: credential.metadata,
    createdAt: credential.createdAt.toISOString(),
    updatedAt: credential.updatedAt.toISOString(),
  };
}

export function presentCredentialForAdmin(credential: CredentialEntity): AdminCredentialView {
  return {
    ...presentCredential(credential),
    team: credential.team,
    attempts: credential.attempts,
    vaultKeyId: credential.dataKeyId,
  };
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
