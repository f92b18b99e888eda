import { clientActor } from '@keyhouse/audit';
import { type Caller } from '@keyhouse/common';
import {
  AccessTokenReader,
  CredentialRepository,
  type CredentialView,
  presentCredential,
  VaultError,
} from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { CredentialIssuer } from '../credential-issuer.service';
import { providerErrors } from '../provider.errors';
import type { MeshAccessTokenEntry } from './dto/mesh.dto';
import { parseIntegrationPayload } from './integration-payload';
import { MESH } from './mesh-answers';
import { MeshClient, type LinkTokenOptions } from './mesh.client';
import { MeshProvider } from './mesh.provider';

const LINK_TOKEN_LIFETIME_SECONDS = 30 * 60;

export interface MeshConnections {
  readonly accessTokens: MeshAccessTokenEntry[];
  readonly items: CredentialView[];
}

@Injectable()
export class MeshConnectionsService {
  constructor(
    private readonly client: MeshClient,
    private readonly provider: MeshProvider,
    private readonly issuer: CredentialIssuer,
    private readonly credentials: CredentialRepository,
    private readonly reader: AccessTokenReader,
  ) {}

  async createLinkToken(
    caller: Caller,
    userId: string,
    options: LinkTokenOptions,
  ): Promise<{ linkToken: string }> {
    this.assertConfigured();
    const obtainedAt = new Date();
    const linkToken = await this.client.createLinkToken(userId, options);
    await this.issuer.issue(this.provider, {
      owner: { team: caller.team, userId },
      secrets: { accessToken: linkToken, refreshToken: null },
      obtainedAt,
      expiresInSeconds: LINK_TOKEN_LIFETIME_SECONDS,
      metadata: { kind: 'link_token', singleUse: true },
      actor: clientActor(caller),
      action: 'credential.issued',
    });
    return { linkToken };
  }

  /** One credential per connected account; reconnecting an account replaces its tokens. */
  async storeConnections(
    caller: Caller,
    userId: string,
    payload: Record<string, unknown>,
  ): Promise<{ items: CredentialView[] }> {
    const connection = parseIntegrationPayload(payload);
    const obtainedAt = new Date();
    const items: CredentialView[] = [];
    for (const account of connection.accounts) {
      const credential = await this.issuer.issue(this.provider, {
        owner: { team: caller.team, userId },
        accountKey: account.accountId,
        secrets: { accessToken: account.accessToken, refreshToken: account.refreshToken },
        obtainedAt,
        expiresInSeconds: account.accessToken === null ? null : connection.expiresInSeconds,
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
      });
      items.push(presentCredential(credential));
    }
    return { items };
  }

  /** The user's connections, and the access tokens of the active ones, ready for Mesh Link. */
  async connections(caller: Caller, userId: string): Promise<MeshConnections> {
    const accounts = (
      await this.credentials.listLiveForOwner({ team: caller.team, userId }, MESH)
    ).filter((credential) => credential.accountKey !== '');
    const accessTokens: MeshAccessTokenEntry[] = [];
    for (const credential of accounts.filter((account) => account.status === 'active')) {
      try {
        const { accessToken } = await this.reader.read(credential, clientActor(caller));
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

  private assertConfigured(): void {
    if (!this.provider.isConfigured()) {
      throw providerErrors(MESH).notConfigured();
    }
  }
}
