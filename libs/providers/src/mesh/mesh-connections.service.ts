import { clientActor } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
import { type Caller } from '@keyhouse/common';
import { randomUUID } from 'node:crypto';
import {
  AccessTokenReader,
  type CredentialEntity,
  CredentialRepository,
  type CredentialView,
  ON_DEMAND_REFRESHER,
  type OnDemandRefresher,
  PENDING_ACCOUNT_PREFIX,
  presentCredential,
  VaultError,
} from '@keyhouse/vault';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CredentialIssuer } from '../credential-issuer.service';
import { assertReadableByDevelopmentKey } from '../development-cap';
import { ProviderIntegrations } from '../provider-integrations.service';
import type { MeshAccessTokenEntry } from './dto/mesh.dto';
import {
  type AccessTokenConnection,
  type DelayedAuthGrant,
  parseLinkPayload,
} from './link-payload';
import { MESH } from './mesh-answers';
import { MeshClient, type LinkTokenOptions } from './mesh.client';
import { MeshProvider } from './mesh.provider';

/** Mesh: use a link token within 10 minutes, once. */
export const LINK_TOKEN_LIFETIME_SECONDS = 10 * 60;

export interface MeshConnections {
  readonly accessTokens: MeshAccessTokenEntry[];
  readonly items: CredentialView[];
}

@Injectable()
export class MeshConnectionsService {
  private readonly logger = new Logger('MeshConnections');

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly client: MeshClient,
    private readonly provider: MeshProvider,
    private readonly issuer: CredentialIssuer,
    private readonly credentials: CredentialRepository,
    private readonly reader: AccessTokenReader,
    private readonly integrations: ProviderIntegrations,
    @Optional() @Inject(ON_DEMAND_REFRESHER) private readonly refresher?: OnDemandRefresher,
  ) {}

  async createLinkToken(
    caller: Caller,
    userId: string,
    options: LinkTokenOptions,
  ): Promise<{ linkToken: string; upstreamUserId: string; expiresAt: string }> {
    const integration = this.integrations.forTeam(caller.team, MESH);
    const upstreamUserId = this.integrations.upstreamUserId(integration, caller.team, userId);
    const obtainedAt = new Date();
    const linkToken = await this.client.createLinkToken(integration, upstreamUserId, options);
    await this.issuer.issue(this.provider, integration, {
      owner: { team: caller.team, userId },
      secrets: { accessToken: linkToken, refreshToken: null },
      obtainedAt,
      expiresInSeconds: LINK_TOKEN_LIFETIME_SECONDS,
      metadata: { kind: 'link_token', singleUse: true },
      actor: clientActor(caller),
      action: 'credential.issued',
    });
    const expiresAt = new Date(obtainedAt.getTime() + LINK_TOKEN_LIFETIME_SECONDS * 1_000);
    return { linkToken, upstreamUserId, expiresAt: expiresAt.toISOString() };
  }

  /**
   * What onIntegrationConnected gave the page: one credential per connected account
   * (reconnecting an account replaces its tokens), or a delayed-auth grant exchanged at once.
   */
  async storeConnections(
    caller: Caller,
    userId: string,
    payload: Record<string, unknown>,
  ): Promise<{ items: CredentialView[] }> {
    const parsed = parseLinkPayload(payload);
    const items =
      parsed.kind === 'accessToken'
        ? await this.storeAccounts(caller, userId, parsed.connection)
        : await this.storeDelayedAuth(caller, userId, parsed.grant);
    return { items: items.map(presentCredential) };
  }

  private async storeAccounts(
    caller: Caller,
    userId: string,
    connection: AccessTokenConnection,
  ): Promise<CredentialEntity[]> {
    // The team's integration now: the one its link token (and so this connection) came from.
    const integration = this.integrations.forTeam(caller.team, MESH);
    const obtainedAt = new Date();
    const stored: CredentialEntity[] = [];
    for (const account of connection.accounts) {
      stored.push(
        await this.issuer.issue(this.provider, integration, {
          owner: { team: caller.team, userId },
          accountKey: account.accountId,
          secrets: { accessToken: account.accessToken, refreshToken: account.refreshToken },
          obtainedAt,
          expiresInSeconds: connection.expiresInSeconds,
          refreshTokenExpiresInSeconds:
            account.refreshToken === null ? null : connection.refreshTokenExpiresInSeconds,
          metadata: {
            kind: 'account',
            brokerType: connection.brokerType,
            brokerName: connection.brokerName,
            accountName: account.accountName,
          },
          actor: clientActor(caller),
          action: 'credential.stored',
        }),
      );
    }
    return stored;
  }

  /**
   * The refresh token is stored sealed first, as a pending credential due at once, so nothing
   * is lost whatever happens next; then it is exchanged through the refresh engine (its lease,
   * its single flight). If the exchange completes, the accounts it named are the answer (the
   * pending row became the first of them); if not, the pending credential is, and the engine
   * keeps exchanging it with backoff.
   */
  private async storeDelayedAuth(
    caller: Caller,
    userId: string,
    grant: DelayedAuthGrant,
  ): Promise<CredentialEntity[]> {
    const owner = { team: caller.team, userId };
    const integration = this.integrations.forTeam(caller.team, MESH);
    const obtainedAt = new Date();
    const pending = await this.issuer.issue(this.provider, integration, {
      owner,
      // Exchanged right below; the scheduler steps in only if this process never gets to it.
      refreshAt: new Date(obtainedAt.getTime() + this.config.refresh.leaseSeconds * 1_000),
      accountKey: `${PENDING_ACCOUNT_PREFIX}${randomUUID()}`,
      secrets: { accessToken: null, refreshToken: grant.refreshToken },
      obtainedAt,
      expiresInSeconds: null,
      refreshTokenExpiresInSeconds: grant.refreshTokenExpiresInSeconds,
      metadata: {
        kind: 'delayed_auth',
        brokerType: grant.brokerType,
        brokerName: grant.brokerName,
      },
      actor: clientActor(caller),
      action: 'credential.stored',
    });
    if (this.refresher) {
      try {
        await this.refresher.refreshNow(pending, clientActor(caller));
      } catch (error) {
        // Stored and due: the scheduler takes it from here. The answer shows its state.
        this.logger.warn(
          { err: error, credentialId: pending.id.slice(0, 8) },
          'delayed-auth exchange did not complete; it stays pending',
        );
      }
    }
    const current = await this.credentials.findForTeam(caller.team, pending.id);
    if (current && current.status !== 'revoked' && current.metadata.kind === 'delayed_auth') {
      return [current];
    }
    // Exchanged: the accounts it named (the pending row is now the first of them).
    const accounts = await this.credentials.listLiveForOwner(owner, MESH);
    return accounts.filter((credential) => credential.metadata.delayedAuthId === pending.id);
  }

  /** The user's connections, and the access tokens of the active ones, ready for Mesh Link. */
  async connections(caller: Caller, userId: string): Promise<MeshConnections> {
    const accounts = (
      await this.credentials.listLiveForOwner({ team: caller.team, userId }, MESH)
    ).filter((credential) => credential.accountKey !== '');
    const accessTokens: MeshAccessTokenEntry[] = [];
    const ready = accounts.filter(
      (account) => account.status === 'active' && account.metadata.kind === 'account',
    );
    for (const credential of ready) {
      try {
        const { accessToken, expiresAt } = await this.reader.read(credential, clientActor(caller));
        assertReadableByDevelopmentKey(caller, MESH, expiresAt);
        accessTokens.push({
          accessToken,
          brokerType: String(credential.metadata.brokerType),
          brokerName: String(credential.metadata.brokerName),
          accountId: credential.accountKey,
          accountName:
            typeof credential.metadata.accountName === 'string'
              ? credential.metadata.accountName
              : null,
        });
      } catch (error) {
        // A connection that just turned needs_reauth is listed in items, not in accessTokens.
        if (!(error instanceof VaultError)) {
          throw error;
        }
      }
    }
    const refreshed = await this.credentials.listLiveForOwner({ team: caller.team, userId }, MESH);
    return {
      accessTokens,
      items: refreshed.filter((credential) => credential.accountKey !== '').map(presentCredential),
    };
  }
}
