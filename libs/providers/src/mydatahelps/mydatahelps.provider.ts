import { systemActor } from '@keyhouse/audit';
import { type Integration, environmentIntegrationId } from '@keyhouse/integrations';
import {
  type CredentialEntity,
  CredentialRepository,
  CredentialVault,
  type Owner,
  SYSTEM_TEAM,
} from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { CredentialIssuer } from '../credential-issuer.service';
import { ProviderError, ProviderErrorCode } from '../provider.errors';
import { RefreshPolicy } from '../refresh-policy.service';
import type { KeepAlive, RefreshedTokens, RefreshTarget, TokenProvider } from '../token-provider';
import { MYDATAHELPS, type MyDataHelpsToken } from './mydatahelps-answers';
import { MyDataHelpsClient } from './mydatahelps.client';

/** Keyhouse's own service token is an app-level credential of the system team. */
export const SERVICE_TOKEN_OWNER: Owner = { team: SYSTEM_TEAM, userId: MYDATAHELPS };
export const SERVICE_TOKEN_ACCOUNT_KEY = 'service-token';

/**
 * Each integration has its own service token: the environment's keeps the original account
 * key, a stored integration's is suffixed with its id.
 */
export function serviceTokenAccountKey(integration: Integration): string {
  return integration.id === environmentIntegrationId(MYDATAHELPS)
    ? SERVICE_TOKEN_ACCOUNT_KEY
    : `${SERVICE_TOKEN_ACCOUNT_KEY}:${integration.id}`;
}
const SERVICE_ACTOR = systemActor(MYDATAHELPS);

interface ServiceToken {
  readonly accessToken: string;
  /** Read from the vault rather than just minted: it may have been refused upstream since. */
  readonly stored: boolean;
}

/**
 * MyDataHelps delegated participant tokens: a service token (client assertion) exchanged
 * for one participant's token. There is no refresh token: "refreshing" asks again the same
 * way. Each integration's service token is kept in the vault and shared by every participant
 * request under it; in this process one lookup and one fetch at a time (per integration)
 * serve all concurrent callers.
 * MyDataHelps publishes no revocation, so deleting erases our copy only.
 */
@Injectable()
export class MyDataHelpsProvider implements TokenProvider {
  readonly name = MYDATAHELPS;
  readonly keepAlive: KeepAlive = 'while-read';
  private readonly serviceTokenLookups = new Map<string, Promise<ServiceToken>>();
  private readonly serviceTokenRenewals = new Map<string, Promise<ServiceToken>>();

  constructor(
    private readonly client: MyDataHelpsClient,
    private readonly issuer: CredentialIssuer,
    private readonly vault: CredentialVault,
    private readonly credentials: CredentialRepository,
    private readonly policy: RefreshPolicy,
  ) {}

  /** The MyDataHelps origin of the token URL, with a trailing slash (the SDK's base URL). */
  sdkBaseUrl(integration: Integration): string {
    return this.client.sdkBaseUrl(integration);
  }

  /** Asking again needs no user and no refresh token: any live credential can be renewed. */
  canRefresh(credential: CredentialEntity): boolean {
    return credential.status !== 'revoked';
  }

  async refresh({ credential, now, integration }: RefreshTarget): Promise<RefreshedTokens> {
    const token = isServiceToken(credential)
      ? await this.client.serviceToken(integration)
      : await this.participantToken(integration, credential.accountKey);
    return {
      accessToken: token.accessToken,
      refreshToken: null,
      obtainedAt: now,
      expiresInSeconds: token.expiresInSeconds,
    };
  }

  /** A service token: harmless, and proves the service account and its key. */
  async check(integration: Integration): Promise<void> {
    await this.client.serviceToken(integration);
  }

  /** A stored token is handed out again while it is active and outside its refresh lead. */
  isReusable(credential: CredentialEntity, now: Date): boolean {
    return (
      credential.status === 'active' &&
      credential.expiresAt !== null &&
      !this.policy.accessTokenInsideLead(credential, now)
    );
  }

  /**
   * A new participant token. `invalid_grant` with a stored service token may mean that
   * token was refused since: once more with a new one. With a new service token it means
   * the participant's delegation itself is refused (needs_reauth).
   */
  async participantToken(
    integration: Integration,
    participantId: string,
  ): Promise<MyDataHelpsToken> {
    const service = await this.serviceToken(integration);
    try {
      return await this.client.participantToken(integration, service.accessToken, participantId);
    } catch (error) {
      if (!service.stored || !isInvalidGrant(error)) {
        throw error;
      }
    }
    const renewed = await this.renewServiceToken(integration);
    return this.client.participantToken(integration, renewed.accessToken, participantId);
  }

  private serviceToken(integration: Integration): Promise<ServiceToken> {
    return once(this.serviceTokenLookups, integration.id, () =>
      this.storedOrNewServiceToken(integration),
    );
  }

  private async storedOrNewServiceToken(integration: Integration): Promise<ServiceToken> {
    const stored = await this.credentials.findLiveForAccount(
      SERVICE_TOKEN_OWNER,
      MYDATAHELPS,
      serviceTokenAccountKey(integration),
    );
    if (stored && this.isReusable(stored, new Date())) {
      const { accessToken } = await this.vault.readAccessToken(
        SYSTEM_TEAM,
        stored.id,
        SERVICE_ACTOR,
      );
      return { accessToken, stored: true };
    }
    return this.renewServiceToken(integration);
  }

  private renewServiceToken(integration: Integration): Promise<ServiceToken> {
    return once(this.serviceTokenRenewals, integration.id, () => this.newServiceToken(integration));
  }

  private async newServiceToken(integration: Integration): Promise<ServiceToken> {
    const obtainedAt = new Date();
    const token = await this.client.serviceToken(integration);
    await this.issuer.issue(this, integration, {
      owner: SERVICE_TOKEN_OWNER,
      accountKey: serviceTokenAccountKey(integration),
      secrets: { accessToken: token.accessToken, refreshToken: null },
      obtainedAt,
      expiresInSeconds: token.expiresInSeconds,
      metadata: { kind: 'service_token' },
      actor: SERVICE_ACTOR,
      action: 'credential.issued',
    });
    return { accessToken: token.accessToken, stored: false };
  }
}

/** The system team's service token, never a team's participant that happens to share the key. */
function isServiceToken(credential: CredentialEntity): boolean {
  return (
    credential.team === SYSTEM_TEAM &&
    (credential.accountKey === SERVICE_TOKEN_ACCOUNT_KEY ||
      credential.accountKey.startsWith(`${SERVICE_TOKEN_ACCOUNT_KEY}:`))
  );
}

/** One call at a time per key: concurrent callers share the one in flight. */
function once<T>(
  running: Map<string, Promise<T>>,
  key: string,
  start: () => Promise<T>,
): Promise<T> {
  let call = running.get(key);
  if (!call) {
    call = start().finally(() => running.delete(key));
    running.set(key, call);
  }
  return call;
}

function isInvalidGrant(error: unknown): boolean {
  return (
    error instanceof ProviderError &&
    error.reason === ProviderErrorCode.NeedsReauth &&
    error.upstreamCode === 'invalid_grant'
  );
}
