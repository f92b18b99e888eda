import type { AuditActor } from '@keyhouse/audit';
import type { Integration } from '@keyhouse/integrations';
import {
  type CredentialEntity,
  type CredentialMetadata,
  CredentialVault,
  type LeasedCredential,
  type Owner,
  PendingGrantSettlement,
  type Settlement,
  type StoreCredentialInput,
  type TokenSecrets,
} from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { RefreshPolicy } from './refresh-policy.service';
import type { DiscoveredAccount, TokenProvider } from './token-provider';

export interface IssuedTokens {
  readonly owner: Owner;
  readonly accountKey?: string;
  readonly secrets: TokenSecrets;
  readonly obtainedAt: Date;
  readonly expiresInSeconds: number | null;
  readonly refreshTokenExpiresInSeconds?: number | null;
  readonly metadata?: CredentialMetadata;
  readonly actor: AuditActor;
  /** Overrides the policy's first refresh_at (a caller that refreshes it itself right away). */
  readonly refreshAt?: Date;
  /** Minted by Keyhouse (issued) or handed to it by the caller (stored). */
  readonly action: 'credential.issued' | 'credential.stored';
}

/**
 * Every token a provider obtains goes through here into the vault, with its timing and
 * its first refresh_at from the provider's keep-alive policy, and is audited.
 */
@Injectable()
export class CredentialIssuer {
  constructor(
    private readonly vault: CredentialVault,
    private readonly policy: RefreshPolicy,
    private readonly settlement: PendingGrantSettlement,
  ) {}

  /** Stores tokens minted under `integration`, which the credential then keeps for life. */
  issue(
    provider: TokenProvider,
    integration: Integration,
    tokens: IssuedTokens,
  ): Promise<CredentialEntity> {
    return this.vault.store(this.toStoreInput(provider, integration.id, tokens));
  }

  /**
   * The accounts a pending grant's exchange named, each stored as its own credential of the
   * grant's owner, written under the grant's lease (see PendingGrantSettlement).
   */
  settle(
    provider: TokenProvider,
    claim: LeasedCredential,
    accounts: readonly DiscoveredAccount[],
    actor: AuditActor,
  ): Promise<Settlement> {
    const owner = { team: claim.credential.team, userId: claim.credential.userId };
    const inputs = accounts.map((account) =>
      this.toStoreInput(provider, claim.credential.integrationId, {
        owner,
        accountKey: account.accountKey,
        secrets: { accessToken: account.accessToken, refreshToken: account.refreshToken },
        obtainedAt: account.obtainedAt,
        expiresInSeconds: account.expiresInSeconds,
        refreshTokenExpiresInSeconds: account.refreshTokenExpiresInSeconds,
        metadata: account.metadata,
        actor,
        action: 'credential.stored',
      }),
    );
    return this.settlement.settle(claim, inputs, actor);
  }

  private toStoreInput(
    provider: TokenProvider,
    integrationId: string | null,
    tokens: IssuedTokens,
  ): StoreCredentialInput {
    const expiresAt = at(tokens.obtainedAt, tokens.expiresInSeconds);
    const refreshTokenExpiresInSeconds = tokens.refreshTokenExpiresInSeconds ?? null;
    // A grant with only a refresh token (Mesh delayed auth) needs an access token now.
    const refreshNow = tokens.secrets.accessToken === null && tokens.secrets.refreshToken !== null;
    const refreshAt = tokens.refreshAt
      ? tokens.refreshAt
      : refreshNow
        ? tokens.obtainedAt
        : this.policy.nextRefreshAt(
            provider.keepAlive,
            {
              obtainedAt: tokens.obtainedAt,
              expiresAt,
              expiresInSeconds: tokens.expiresInSeconds,
              refreshTokenExpiresAt: at(tokens.obtainedAt, refreshTokenExpiresInSeconds),
              refreshTokenExpiresInSeconds,
              lastReadAt: tokens.obtainedAt,
            },
            tokens.obtainedAt,
          );
    return {
      owner: tokens.owner,
      provider: provider.name,
      integrationId,
      accountKey: tokens.accountKey,
      secrets: tokens.secrets,
      timing: {
        obtainedAt: tokens.obtainedAt,
        expiresInSeconds: tokens.expiresInSeconds,
        refreshTokenExpiresInSeconds,
        refreshAt,
      },
      metadata: tokens.metadata,
      actor: tokens.actor,
      action: tokens.action,
    };
  }
}

function at(start: Date, seconds: number | null): Date | null {
  return seconds === null ? null : new Date(start.getTime() + seconds * 1_000);
}
