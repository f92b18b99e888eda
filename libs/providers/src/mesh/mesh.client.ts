import { KeyhouseConfig } from '@keyhouse/config';
import { Injectable } from '@nestjs/common';
import { stringField } from '../http/json-body';
import { UpstreamHttp } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';
import { MESH, type MeshRefreshedAccount, meshContent, meshRefreshResult } from './mesh-answers';

export interface LinkTokenOptions {
  readonly integrationId?: string;
  readonly restrictMultipleAccounts?: boolean;
}

export interface MeshRefreshCall {
  readonly accountId: string;
  readonly brokerType: string;
  readonly refreshToken: string;
  readonly accessToken: string | null;
  readonly createNewRefreshToken: boolean;
}

/** Mesh's wire format: X-Client-Id / X-Client-Secret headers, JSON, envelope answers. */
@Injectable()
export class MeshClient {
  constructor(
    private readonly config: KeyhouseConfig,
    private readonly http: UpstreamHttp,
  ) {}

  isConfigured(): boolean {
    const { clientId, clientSecret } = this.config.providers.mesh;
    return clientId !== undefined && clientSecret !== undefined;
  }

  async createLinkToken(userId: string, options: LinkTokenOptions): Promise<string> {
    const response = await this.http.send({
      provider: MESH,
      method: 'POST',
      url: `${this.config.providers.mesh.baseUrl}/api/v1/linktoken`,
      headers: this.headers(),
      json: { userId, ...options },
      // A link token is minted fresh each time; asking twice is harmless.
      idempotent: true,
    });
    const linkToken = stringField(meshContent(response), 'linkToken');
    if (!linkToken) {
      throw providerErrors(MESH).malformed('link token answer');
    }
    return linkToken;
  }

  /** Presents the refresh token once: never retried here (Mesh refresh tokens work once). */
  async refresh(call: MeshRefreshCall): Promise<MeshRefreshedAccount> {
    const response = await this.http.send({
      provider: MESH,
      method: 'POST',
      url: `${this.config.providers.mesh.baseUrl}/api/v1/token/refresh`,
      headers: this.headers(),
      json: {
        refreshToken: call.refreshToken,
        // The field is `type`, not `brokerType` (PROTOCOLS.md).
        type: call.brokerType,
        ...(call.createNewRefreshToken ? { createNewRefreshToken: true } : {}),
        ...(call.accessToken ? { accessToken: call.accessToken } : {}),
      },
      idempotent: false,
    });
    return meshRefreshResult(meshContent(response), call.accountId);
  }

  private headers(): Record<string, string> {
    const { clientId, clientSecret } = this.config.providers.mesh;
    if (clientId === undefined || clientSecret === undefined) {
      throw providerErrors(MESH).notConfigured();
    }
    return { 'X-Client-Id': clientId, 'X-Client-Secret': clientSecret.reveal() };
  }
}
