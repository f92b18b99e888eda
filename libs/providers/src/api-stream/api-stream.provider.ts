import type { Integration } from '@keyhouse/integrations';
import type { CredentialEntity } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { jwtLifetimeSeconds } from '../jwt-expiry';
import { providerErrors } from '../provider.errors';
import type { KeepAlive, RefreshedTokens, RefreshTarget, TokenProvider } from '../token-provider';
import { API_STREAM } from './api-stream-answers';
import { ApiStreamClient } from './api-stream.client';

/** The service user `check` mints for; it names no real user. */
export const PROBE_SERVICE_USER = 'keyhouse-probe';

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

  canRefresh(credential: CredentialEntity, now: Date): boolean {
    return (
      credential.encryptedAccessToken !== null &&
      credential.expiresAt !== null &&
      credential.expiresAt > now
    );
  }

  async refresh({
    credential,
    secrets,
    now,
    integration,
  }: RefreshTarget): Promise<RefreshedTokens> {
    if (!secrets.accessToken) {
      throw providerErrors(API_STREAM).needsReauth('no_access_token');
    }
    const accessToken = await this.client.refresh(integration, secrets.accessToken);
    return {
      accessToken,
      refreshToken: null,
      obtainedAt: now,
      // The new token states its own expiry; else the same lifetime as before.
      expiresInSeconds: jwtLifetimeSeconds(accessToken, now) ?? credential.expiresInSeconds,
    };
  }

  /** A short VIEWER token for a fixed probe user: harmless, and proves the API key. */
  async check(integration: Integration): Promise<void> {
    await this.client.create(integration, {
      serviceUserId: PROBE_SERVICE_USER,
      role: 'VIEWER',
      lifetimeSeconds: 60,
    });
  }
}
