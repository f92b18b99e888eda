import { EXTERNAL_ID_PATTERN, findUnstorableText } from '@keyhouse/common';
import type { Integration } from '@keyhouse/integrations';
import { type CredentialEntity, isPendingAccountKey, type TokenSecrets } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import {
  ProviderError,
  ProviderErrorCode,
  providerErrors,
  SecondFactorRequired,
} from '../provider.errors';
import { RefreshPolicy } from '../refresh-policy.service';
import type {
  AccountsDiscovered,
  DiscoveredAccount,
  KeepAlive,
  RefreshAnswer,
  RefreshedTokens,
  RefreshTarget,
  RevokeTarget,
  SecondFactorTarget,
  TokenProvider,
} from '../token-provider';
import { MESH, type MeshRefreshAnswer, tokensForAccount } from './mesh-answers';
import { MeshClient } from './mesh.client';

const errors = providerErrors(MESH);

/** The user `check` asks a link token for; it names no real user. */
export const PROBE_USER = 'keyhouse-probe';

/**
 * Mesh account connections: stored access + refresh tokens, refreshed before expiry, and
 * the refresh token renewed (createNewRefreshToken) before it lapses. A delayed-auth grant
 * (a refresh token with no account yet) is exchanged like any refresh, and its answer's
 * accounts become credentials. `mfaRequired` stops a refresh until the user's code arrives
 * (completeWithCode). Deleting an account credential removes the connection at Mesh.
 */
@Injectable()
export class MeshProvider implements TokenProvider {
  readonly name = MESH;
  readonly keepAlive: KeepAlive = 'always';

  constructor(
    private readonly client: MeshClient,
    private readonly policy: RefreshPolicy,
  ) {}

  canRefresh(credential: CredentialEntity, now: Date): boolean {
    const isAccount = credential.accountKey !== '';
    const refreshTokenAlive =
      !credential.refreshTokenExpiresAt || credential.refreshTokenExpiresAt > now;
    return isAccount && credential.encryptedRefreshToken !== null && refreshTokenAlive;
  }

  async refresh({
    credential,
    secrets,
    now,
    integration,
  }: RefreshTarget): Promise<RefreshedTokens> {
    const renewRefreshToken = this.policy.refreshTokenInsideLead(credential, now);
    const answer = await this.client.refresh(integration, {
      brokerType: brokerTypeOf(credential),
      refreshToken: refreshTokenOf(secrets),
      accessToken: secrets.accessToken,
      createNewRefreshToken: renewRefreshToken,
    });
    return this.accountTokens(credential, answer, now, renewRefreshToken);
  }

  /** A delayed-auth grant's first refresh: the answer names its accounts. */
  async exchangePendingGrant({
    credential,
    secrets,
    now,
    integration,
  }: RefreshTarget): Promise<AccountsDiscovered> {
    const answer = await this.client.refresh(integration, {
      brokerType: brokerTypeOf(credential),
      refreshToken: refreshTokenOf(secrets),
      accessToken: null,
      createNewRefreshToken: false,
    });
    return this.discovered(credential, secrets, answer, now);
  }

  /** The second refresh after `mfaRequired`: the same refresh token, the code, the interim token. */
  async completeWithCode(target: SecondFactorTarget): Promise<RefreshAnswer> {
    const { credential, secrets, now, integration } = target;
    let answer: MeshRefreshAnswer;
    try {
      answer = await this.client.refresh(integration, {
        brokerType: brokerTypeOf(credential),
        refreshToken: refreshTokenOf(secrets),
        accessToken: target.interimAccessToken,
        createNewRefreshToken: false,
        mfaCode: target.code,
      });
    } catch (error) {
      // `failed` after a code means the code was refused; the interim token still stands.
      if (
        error instanceof ProviderError &&
        error.reason === ProviderErrorCode.NeedsReauth &&
        error.upstreamCode === 'refresh_failed'
      ) {
        throw new SecondFactorRequired(MESH, target.interimAccessToken, 'mfa_code_rejected');
      }
      throw error;
    }
    return isPendingAccountKey(credential.accountKey)
      ? this.discovered(credential, secrets, answer, now)
      : this.accountTokens(credential, answer, now, false);
  }

  /** DELETE /api/v1/account for a connected account; link tokens and pending grants have none. */
  async revoke({ credential, secrets, integration }: RevokeTarget): Promise<void> {
    const brokerType = credential.metadata.brokerType;
    if (
      credential.metadata.kind !== 'account' ||
      !secrets.accessToken ||
      typeof brokerType !== 'string'
    ) {
      return;
    }
    await this.client.deleteAccount(integration, secrets.accessToken, brokerType);
  }

  /** A link token for a fixed probe user: minted and dropped, it connects nothing. */
  async check(integration: Integration): Promise<void> {
    await this.client.createLinkToken(integration, PROBE_USER, {});
  }

  private accountTokens(
    credential: CredentialEntity,
    answer: MeshRefreshAnswer,
    now: Date,
    renewed: boolean,
  ): RefreshedTokens {
    const mine = tokensForAccount(answer, credential.accountKey);
    return {
      accessToken: mine.accessToken,
      refreshToken: mine.refreshToken,
      obtainedAt: now,
      // Mesh may omit the lifetime on refresh; the previous one is the safer guess than "never".
      expiresInSeconds: answer.expiresInSeconds ?? credential.expiresInSeconds,
      refreshTokenExpiresInSeconds: this.refreshTokenLifetime(
        credential,
        mine.refreshToken,
        answer.refreshTokenExpiresInSeconds,
        renewed,
      ),
    };
  }

  /** A delayed-auth grant's first answer: every account it names, each with its tokens. */
  private discovered(
    credential: CredentialEntity,
    secrets: TokenSecrets,
    answer: MeshRefreshAnswer,
    now: Date,
  ): AccountsDiscovered {
    const accounts = answer.accounts.map((entry): DiscoveredAccount => {
      const accountId = entry.accountId;
      if (
        !accountId ||
        accountId.length > 256 ||
        !EXTERNAL_ID_PATTERN.test(accountId) ||
        // Stored altered (U+FFFD), the id would no longer match the answers that name it.
        findUnstorableText(accountId, 'accountId') !== undefined
      ) {
        throw errors.malformed('delayed-auth answer (an account without a usable accountId)');
      }
      return {
        accountKey: accountId,
        accessToken: entry.accessToken,
        // No new refresh token: the account keeps the grant's, as any refresh would.
        refreshToken: entry.refreshToken ?? secrets.refreshToken,
        obtainedAt: now,
        expiresInSeconds: answer.expiresInSeconds ?? null,
        refreshTokenExpiresInSeconds:
          answer.refreshTokenExpiresInSeconds ??
          (entry.refreshToken ? null : secondsLeft(credential.refreshTokenExpiresAt, now)),
        metadata: {
          kind: 'account',
          brokerType: brokerTypeOf(credential),
          brokerName: String(credential.metadata.brokerName ?? ''),
          accountName: entry.accountName,
          // Which delayed-auth grant named this account (the grant's credential id).
          delayedAuthId: credential.id,
        },
      };
    });
    return { kind: 'accounts', accounts };
  }

  private refreshTokenLifetime(
    credential: CredentialEntity,
    newRefreshToken: string | null,
    statedSeconds: number | undefined,
    renewed: boolean,
  ): number | null | undefined {
    if (statedSeconds !== undefined) {
      return statedSeconds;
    }
    if (renewed && newRefreshToken) {
      // A fresh refresh token with no stated lifetime: assume the previous window again.
      return credential.refreshTokenExpiresInSeconds;
    }
    return undefined;
  }
}

function brokerTypeOf(credential: CredentialEntity): string {
  const brokerType = credential.metadata.brokerType;
  if (typeof brokerType !== 'string') {
    throw errors.needsReauth('no_broker_type');
  }
  return brokerType;
}

function refreshTokenOf(secrets: TokenSecrets): string {
  if (!secrets.refreshToken) {
    throw errors.needsReauth('no_refresh_token');
  }
  return secrets.refreshToken;
}

function secondsLeft(expiresAt: Date | null, now: Date): number | null {
  return expiresAt ? Math.max(1, Math.floor((expiresAt.getTime() - now.getTime()) / 1_000)) : null;
}
