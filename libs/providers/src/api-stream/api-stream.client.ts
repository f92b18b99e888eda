import type { Role } from '@keyhouse/common';
import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import { UpstreamHttp } from '../http/upstream-http.service';
import { API_STREAM, createdAccessToken, refreshedAccessToken } from './api-stream-answers';

const TOKEN_PATH = '/live/v2/authentication/token';

export interface CreateAccessToken {
  /** The id api.stream sees (derived per team where the integration is shared). */
  readonly serviceUserId: string;
  readonly role: Role;
  readonly displayName?: string;
  readonly lifetimeSeconds: number;
}

/** api.stream's wire format: X-API-Key on CreateAccessToken only, JSON, gRPC error bodies. */
@Injectable()
export class ApiStreamClient {
  constructor(private readonly http: UpstreamHttp) {}

  async create(integration: Integration, request: CreateAccessToken): Promise<string> {
    const response = await this.http.send({
      provider: API_STREAM,
      method: 'POST',
      url: this.url(integration),
      headers: { 'X-API-Key': integration.secret('apiKey') },
      json: {
        serviceUserId: request.serviceUserId,
        ...(request.displayName !== undefined ? { displayName: request.displayName } : {}),
        role: `ROLE_${request.role}`,
        maxDuration: request.lifetimeSeconds * 1_000,
      },
      // Each call mints a fresh token and consumes nothing: safe to resend.
      idempotent: true,
    });
    return createdAccessToken(response);
  }

  /** Presents the current token once (never resent): the answer's header holds the new one. */
  async refresh(integration: Integration, accessToken: string): Promise<string> {
    const response = await this.http.send({
      provider: API_STREAM,
      method: 'PUT',
      url: this.url(integration),
      headers: { Authorization: `Bearer ${accessToken}` },
      json: {},
      idempotent: false,
    });
    return refreshedAccessToken(response);
  }

  private url(integration: Integration): string {
    return `${integration.setting('baseUrl')}${TOKEN_PATH}`;
  }
}
