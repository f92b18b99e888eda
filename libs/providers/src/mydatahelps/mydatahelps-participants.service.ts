import { clientActor } from '@keyhouse/audit';
import type { Caller } from '@keyhouse/common';
import { CredentialRepository, CredentialVault } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { CredentialIssuer } from '../credential-issuer.service';
import { refuseDevelopmentKey } from '../development-cap';
import { ProviderIntegrations } from '../provider-integrations.service';
import type { ParticipantTokenResponse } from './dto/mydatahelps.dto';
import { MYDATAHELPS } from './mydatahelps-answers';
import { MyDataHelpsProvider } from './mydatahelps.provider';

/** What MyDataHelps is seen to issue (its own stubs say 6 h); it publishes no way to ask for less. */
const TYPICAL_PARTICIPANT_TOKEN_SECONDS = 21_600;

@Injectable()
export class MyDataHelpsParticipantsService {
  constructor(
    private readonly provider: MyDataHelpsProvider,
    private readonly issuer: CredentialIssuer,
    private readonly vault: CredentialVault,
    private readonly credentials: CredentialRepository,
    private readonly integrations: ProviderIntegrations,
  ) {}

  /**
   * The participant's stored token while it has more than the refresh lead left (the SDK
   * asks again on every tokenWillExpire); otherwise a new one, stored in the same row.
   */
  async participantToken(caller: Caller, participantId: string): Promise<ParticipantTokenResponse> {
    // Decided before anything is sent or stored (see development-cap.ts).
    refuseDevelopmentKey(caller, MYDATAHELPS, TYPICAL_PARTICIPANT_TOKEN_SECONDS);
    const integration = this.integrations.forTeam(caller.team, MYDATAHELPS);
    const baseUrl = this.provider.sdkBaseUrl(integration);
    const owner = { team: caller.team, userId: participantId };
    const stored = await this.credentials.findLiveForAccount(owner, MYDATAHELPS, participantId);
    // A token from the team's previous integration is not handed out for the new one.
    const sameIntegration = stored !== null && this.integrations.mintedUnder(stored, integration);
    if (stored && sameIntegration && this.provider.isReusable(stored, new Date())) {
      const { accessToken, expiresAt } = await this.vault.readAccessToken(
        caller.team,
        stored.id,
        clientActor(caller),
      );
      if (expiresAt !== null) {
        return present(accessToken, expiresAt, baseUrl);
      }
    }
    const obtainedAt = new Date();
    const token = await this.provider.participantToken(integration, participantId);
    await this.issuer.issue(this.provider, integration, {
      owner,
      accountKey: participantId,
      secrets: { accessToken: token.accessToken, refreshToken: null },
      obtainedAt,
      expiresInSeconds: token.expiresInSeconds,
      metadata: { kind: 'participant_token' },
      actor: clientActor(caller),
      action: 'credential.issued',
    });
    return present(
      token.accessToken,
      new Date(obtainedAt.getTime() + token.expiresInSeconds * 1_000),
      baseUrl,
    );
  }
}

/**
 * `sdkToken` and `baseUrl` are the two arguments of the browser SDK's
 * `MyDataHelps.setParticipantAccessToken`, ready to pass straight through.
 */
function present(accessToken: string, expiresAt: Date, baseUrl: string): ParticipantTokenResponse {
  const expiresIn = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1_000));
  return {
    accessToken,
    tokenType: 'Bearer',
    expiresIn,
    expiresAt: expiresAt.toISOString(),
    sdkToken: { access_token: accessToken, expires_in: expiresIn, token_type: 'Bearer' },
    baseUrl,
  };
}
