import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import { stringField } from '../http/json-body';
import { UpstreamHttp } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';
import {
  MESH,
  type MeshRefreshAnswer,
  meshContent,
  meshRefreshAnswer,
  meshStatusOk,
} from './mesh-answers';

export interface LinkTokenOptions {
  readonly integrationId?: string;
  readonly restrictMultipleAccounts?: boolean;
}

export interface MeshRefreshCall {
  readonly brokerType: string;
  readonly refreshToken: string;
  /** Sent where the institution needs it (see ACCESS_TOKEN_BROKERS) or with an mfaCode. */
  readonly accessToken: string | null;
  readonly createNewRefreshToken: boolean;
  /** The user's one-time code, for the second call after `mfaRequired`. */
  readonly mfaCode?: string;
}

/**
 * Institutions whose refresh needs the current access token too: WeBull on every refresh,
 * Vanguard (Mesh's OpenAPI: "currently required by WeBull and Vanguard"). Others are not
 * sent it, so a token travels only where the protocol asks for it.
 */
const ACCESS_TOKEN_BROKERS: ReadonlySet<string> = new Set(['weBull', 'vanguard']);

/** Mesh's wire format: X-Client-Id / X-Client-Secret headers, JSON, envelope answers. */
@Injectable()
export class MeshClient {
  constructor(private readonly http: UpstreamHttp) {}

  /** `upstreamUserId`: the userId Mesh sees (derived per team on a shared integration). */
  async createLinkToken(
    integration: Integration,
    upstreamUserId: string,
    options: LinkTokenOptions,
  ): Promise<string> {
    const response = await this.http.send({
      provider: MESH,
      method: 'POST',
      url: `${integration.setting('baseUrl')}/api/v1/linktoken`,
      headers: headers(integration),
      json: { userId: upstreamUserId, ...options },
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
  async refresh(integration: Integration, call: MeshRefreshCall): Promise<MeshRefreshAnswer> {
    const sendsAccessToken =
      call.accessToken !== null &&
      (call.mfaCode !== undefined || ACCESS_TOKEN_BROKERS.has(call.brokerType));
    const response = await this.http.send({
      provider: MESH,
      method: 'POST',
      url: `${integration.setting('baseUrl')}/api/v1/token/refresh`,
      headers: headers(integration),
      json: {
        refreshToken: call.refreshToken,
        // The field is `type`, not `brokerType`.
        type: call.brokerType,
        ...(call.createNewRefreshToken ? { createNewRefreshToken: true } : {}),
        ...(sendsAccessToken ? { accessToken: call.accessToken } : {}),
        ...(call.mfaCode !== undefined ? { mfaCode: call.mfaCode } : {}),
      },
      idempotent: false,
    });
    return meshRefreshAnswer(meshContent(response));
  }

  /**
   * DELETE /api/v1/account: Mesh removes the connection and erases its data. Sent once:
   * a retry after a lost answer would meet a connection that is already gone.
   */
  async deleteAccount(
    integration: Integration,
    accessToken: string,
    brokerType: string,
  ): Promise<void> {
    const response = await this.http.send({
      provider: MESH,
      method: 'DELETE',
      url: `${integration.setting('baseUrl')}/api/v1/account`,
      headers: headers(integration),
      json: { authToken: accessToken, type: brokerType },
      idempotent: false,
    });
    meshStatusOk(response);
  }
}

function headers(integration: Integration): Record<string, string> {
  return {
    'X-Client-Id': integration.setting('clientId'),
    'X-Client-Secret': integration.secret('clientSecret'),
  };
}
