import { clientActor } from '@keyhouse/audit';
import type { Caller } from '@keyhouse/common';
import { CredentialRepository, CredentialVault } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { CredentialIssuer } from '../credential-issuer.service';
import { providerErrors } from '../provider.errors';
import type { ParticipantTokenResponse } from './dto/mydatahelps.dto';
import { MYDATAHELPS } from './mydatahelps-answers';
import { MyDataHelpsProvider } from './mydatahelps.provider';

@Injectable()
export class MyDataHelpsParticipantsService {
  constructor(
    private readonly provider: MyDataHelpsProvider,
    private readonly issuer: CredentialIssuer,
    private readonly vault: CredentialVault,
    private readonly credentials: CredentialRepository,
  ) {}

  /**
   * The participant's stored token while it has more than the refresh lead left (the SDK
   * asks again on every tokenWillExpire); otherwise a new one, stored in the same row.
   */
  async participantToken(caller: Caller, participantId: string): Promise<ParticipantTokenResponse> {
    if (!this.provider.isConfigured()) {
      throw providerErrors(MYDATAHELPS).notConfigured();
    }
    const owner = { team: caller.team, userId: participantId };
    const stored = await this.credentials.findLiveForAccount(owner, MYDATAHELPS, participantId);
    if (stored && this.provider.isReusable(stored, new Date())) {
      const { accessToken, expiresAt } = await this.vault.readAccessToken(
        caller.team,
        stored.id,
        clientActor(caller),
      );
      if (expiresAt !== null) {
        return present(accessToken, expiresAt);
      }
    }
    const obtainedAt = new Date();
    const token = await this.provider.participantToken(participantId);
    await this.issuer.issue(this.provider, {
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
    );
  }
}

function present(accessToken: string, expiresAt: Date): ParticipantTokenResponse {
  return {
    accessToken,
    tokenType: 'Bearer',
    expiresIn: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1_000)),
    expiresAt: expiresAt.toISOString(),
  };
}
