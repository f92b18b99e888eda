import { clientActor } from '@keyhouse/audit';
import type { Caller } from '@keyhouse/common';
import { CredentialIssuer, ProviderIntegrations } from '@keyhouse/providers';
import { Injectable } from '@nestjs/common';
import type { EchoTokenResponse } from './dto/echo.dto';
import { ECHO } from './echo-answers';
import { EchoClient } from './echo.client';
import { EchoProvider } from './echo.provider';

/** Minting, the one provider-specific step; storing goes through the common issuer. */
@Injectable()
export class EchoTokensService {
  constructor(
    private readonly client: EchoClient,
    private readonly provider: EchoProvider,
    private readonly issuer: CredentialIssuer,
    private readonly integrations: ProviderIntegrations,
  ) {}

  async mint(caller: Caller, userId: string): Promise<EchoTokenResponse> {
    const integration = this.integrations.forTeam(caller.team, ECHO);
    const upstreamUserId = this.integrations.upstreamUserId(integration, caller.team, userId);
    const obtainedAt = new Date();
    const { token, expiresInSeconds } = await this.client.mint(integration, upstreamUserId);
    await this.issuer.issue(this.provider, integration, {
      owner: { team: caller.team, userId },
      secrets: { accessToken: token, refreshToken: null },
      obtainedAt,
      expiresInSeconds,
      metadata: { kind: 'echo_token' },
      actor: clientActor(caller),
      action: 'credential.issued',
    });
    return {
      userId,
      upstreamUserId,
      token,
      expiresAt: new Date(obtainedAt.getTime() + expiresInSeconds * 1_000).toISOString(),
    };
  }
}
