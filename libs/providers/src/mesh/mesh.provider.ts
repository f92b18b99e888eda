import type { CredentialEntity } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { providerErrors } from '../provider.errors';
import { RefreshPolicy } from '../refresh-policy.service';
import type { KeepAlive, RefreshedTokens, RefreshTarget, TokenProvider } from '../token-provider';
import { MESH } from './mesh-answers';
import { MeshClient } from './mesh.client';

/**
 * Mesh account connections: stored access + refresh tokens, refreshed before expiry, and
 * the refresh token renewed (createNewRefreshToken) before it lapses. Mesh publishes no
 * revocation call, so deleting erases our copy only.
 */
@Injectable()
export class MeshProvider implements TokenProvider {
  readonly name = MESH;
  readonly keepAlive: KeepAlive = 'always';

  constructor(
    private readonly client: MeshClient,
    private readonly policy: RefreshPolicy,
  ) {}

  isConfigured(): boolean {
    return this.client.isConfigured();
  }

  canRefresh(credential: CredentialEntity, now: Date): boolean {
    const isAccount = credential.accountKey !== '';
    const refreshTokenAlive =
      !credential.refreshTokenExpiresAt || credential.refreshTokenExpiresAt > now;
    return isAccount && credential.encryptedRefreshToken !== null && refreshTokenAlive;
  }

  async refresh({ credential, secrets, now }: RefreshTarget): Promise<RefreshedTokens> {
    const brokerType = credential.metadata.brokerType;
    if (!secrets.refreshToken || typeof brokerType !== 'string') {
      throw providerErrors(MESH).needsReauth('no_refresh_token');
    }
    const renewRefreshToken = this.policy.refreshTokenInsideLead(credential, now);
    const answer = await this.client.refresh({
      accountId: credential.accountKey,
      brokerType,
      refreshToken: secrets.refreshToken,
      accessToken: secrets.accessToken,
      createNewRefreshToken: renewRefreshToken,
    });
    return {
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken,
      obtainedAt: now,
      // Mesh may omit the lifetime on refresh; the previous one is the safer guess than "never".
      expiresInSeconds: answer.expiresInSeconds ?? credential.expiresInSeconds,
      refreshTokenExpiresInSeconds: this.refreshTokenLifetime(
        credential,
        answer,
        renewRefreshToken,
      ),
    };
  }

  revoke(): Promise<void> {
    return Promise.resolve();
  }

  private refreshTokenLifetime(
    credential: CredentialEntity,
    answer: { refreshToken: string | null; refreshTokenExpiresInSeconds?: number },
    renewed: boolean,
  ): number | null | undefined {
    if (answer.refreshTokenExpiresInSeconds !== undefined) {
      return answer.refreshTokenExpiresInSeconds;
    }
    if (renewed && answer.refreshToken) {
      // A fresh refresh token with no stated lifetime: assume the previous window again.
      return credential.refreshTokenExpiresInSeconds;
    }
    return undefined;
  }
}
