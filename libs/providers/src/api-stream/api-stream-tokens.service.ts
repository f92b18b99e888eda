import { clientActor } from '@keyhouse/audit';
import type { Caller } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { CredentialIssuer } from '../credential-issuer.service';
import { jwtLifetimeSeconds } from '../jwt-expiry';
import { ProviderIntegrations } from '../provider-integrations.service';
import { allowedLifetimeSeconds } from './api-stream-access';
import { API_STREAM } from './api-stream-answers';
import { ApiStreamClient } from './api-stream.client';
import { ApiStreamProvider } from './api-stream.provider';
import type {
  ApiStreamAccessTokenResponse,
  CreateApiStreamAccessTokenDto,
} from './dto/api-stream.dto';

@Injectable()
export class ApiStreamTokensService {
  constructor(
    private readonly client: ApiStreamClient,
    private readonly provider: ApiStreamProvider,
    private readonly issuer: CredentialIssuer,
    private readonly integrations: ProviderIntegrations,
  ) {}

  /** One access token per user: a new one replaces the user's stored token. */
  async createAccessToken(
    caller: Caller,
    request: CreateApiStreamAccessTokenDto,
  ): Promise<ApiStreamAccessTokenResponse> {
    // The caller's limits first: a refused role or lifetime sends and stores nothing.
    const lifetimeSeconds = allowedLifetimeSeconds(caller, request.role, request.expiresInSeconds);
    const integration = this.integrations.forTeam(caller.team, API_STREAM);
    const upstreamUserId = this.integrations.upstreamUserId(
      integration,
      caller.team,
      request.userId,
    );
    const obtainedAt = new Date();
    const accessToken = await this.client.create(integration, {
      serviceUserId: upstreamUserId,
      role: request.role,
      displayName: request.displayName,
      lifetimeSeconds,
    });
    const credential = await this.issuer.issue(this.provider, integration, {
      owner: { team: caller.team, userId: request.userId },
      secrets: { accessToken, refreshToken: null },
      obtainedAt,
      expiresInSeconds: jwtLifetimeSeconds(accessToken, obtainedAt) ?? lifetimeSeconds,
      // displayName: null rather than absent, so a replaced token's name does not linger.
      metadata: { role: request.role, displayName: request.displayName ?? null },
      actor: clientActor(caller),
      action: 'credential.issued',
    });
    return {
      accessToken,
      role: request.role,
      upstreamUserId,
      expiresAt: (credential.expiresAt ?? obtainedAt).toISOString(),
    };
  }
}
