import { clientActor } from '@keyhouse/audit';
import { type Caller } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { CredentialIssuer } from '../credential-issuer.service';
import { assertWithinDevelopmentCap } from '../development-cap';
import { jwtLifetimeSeconds } from '../jwt-expiry';
import { ProviderIntegrations } from '../provider-integrations.service';
import type { ConnectTokenResponse } from './dto/tpa-stream.dto';
import { TPA_STREAM } from './tpa-stream-answers';
import { TpaStreamClient } from './tpa-stream.client';
import { TpaStreamProvider } from './tpa-stream.provider';

/** TPA Stream publishes neither the token's claims nor its algorithm: read `exp` if it has one, else one hour. */
const DEFAULT_LIFETIME_SECONDS = 3_600;

@Injectable()
export class TpaStreamTokensService {
  constructor(
    private readonly client: TpaStreamClient,
    private readonly provider: TpaStreamProvider,
    private readonly issuer: CredentialIssuer,
    private readonly integrations: ProviderIntegrations,
  ) {}

  /**
   * A fresh connect access token for one of the caller's users. Stored (one row per user,
   * replaced each time) as single-use: it is handed out here and never again from storage.
   */
  async createConnectToken(caller: Caller, userId: string): Promise<ConnectTokenResponse> {
    const integration = this.integrations.forTeam(caller.team, TPA_STREAM);
    const obtainedAt = new Date();
    const connectAccessToken = await this.client.createConnectToken(integration);
    const expiresInSeconds =
      jwtLifetimeSeconds(connectAccessToken, obtainedAt) ?? DEFAULT_LIFETIME_SECONDS;
    // One hour by the protocol, within the cap; a longer one is dropped unused, never stored.
    assertWithinDevelopmentCap(caller, TPA_STREAM, expiresInSeconds);
    await this.issuer.issue(this.provider, integration, {
      owner: { team: caller.team, userId },
      secrets: { accessToken: connectAccessToken, refreshToken: null },
      obtainedAt,
      expiresInSeconds,
      metadata: { kind: 'connect_token', singleUse: true },
      actor: clientActor(caller),
      action: 'credential.issued',
    });
    return {
      sdkToken: integration.setting('accessKey'),
      connectAccessToken,
      expiresAt: new Date(obtainedAt.getTime() + expiresInSeconds * 1_000).toISOString(),
    };
  }
}
