import type { CredentialEntity } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { jwtLifetimeSeconds } from '../jwt-expiry';
import { providerErrors } from '../provider.errors';
import type { KeepAlive, RefreshedTokens, RefreshTarget, TokenProvider } from '../token-provider';
import { API_STREAM } from './api-stream-answers';
import { ApiStreamClient } from './api-stream.client';

/**
 * api.stream access tokens: minted with the API key, kept alive while read by presenting
 * the current token (the new one comes back in a response header). An expired token cannot
 * be refreshed. api.stream publishes no revocation, so deleting erases our copy only.
 */
@Injectable()
export class ApiStreamProvider implements TokenProvider {
  readonly name = API_STREAM;
  readonly keepAlive: KeepAlive = 'while-read';

  constructor(private readonly client: ApiStreamClient) {}

  isConfigured(): boolean {
    return this.client.isConfigured();
  }

  canRefresh(credential: CredentialEntity, now: Date): boolean {
    return (
      credential.encryptedAccessToken !== null &&
      credential.expiresAt !== null &&
      credential.expiresAt > now
    );
  }

  async refresh({ credential, secrets, now }: RefreshTarget): Promise<RefreshedTokens> {
    if (!secrets.accessToken) {
      throw providerErrors(API_STREAM).needsReauth('no_access_token');
    }
    const accessToken = await this.client.refresh(secrets.accessToken);
    return {
      accessToken,
      refreshToken: null,
      obtainedAt: now,
      // The new token states its own expiry; else the same lifetime as before.
      expiresInSeconds: jwtLifetimeSeconds(accessToken, now) ?? credential.expiresInSeconds,
    };
  }

  revoke(): Promise<void> {
    return Promise.resolve();
  }
}
