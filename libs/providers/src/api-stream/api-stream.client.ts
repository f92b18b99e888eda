import { KeyhouseConfig } from '@keyhouse/config';
import type { Role } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { UpstreamHttp } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';
import { API_STREAM, createdAccessToken, refreshedAccessToken } from './api-stream-answers';

const TOKEN_PATH = '/live/v2/authentication/token';

export interface CreateAccessToken {
  readonly userId: string;
  readonly role: Role;
  readonly displayName?: string;
  readonly lifetimeSeconds: number;
}

/** api.stream's wire format: X-API-Key on CreateAccessToken only, JSON, gRPC error bodies. */
@Injectable()
export class ApiStreamClient {
  constructor(
    private readonly config: KeyhouseConfig,
    private readonly http: UpstreamHttp,
  ) {}

  isConfigured(): boolean {
    return this.config.providers.apiStream.clientSecret !== undefined;
  }

  async create(request: CreateAccessToken): Promise<string> {
    const apiKey = this.config.providers.apiStream.clientSecret;
    if (apiKey === undefined) {
      throw providerErrors(API_STREAM).notConfigured();
    }
    const response = await this.http.send({
      provider: API_STREAM,
      method: 'POST',
      url: this.url(),
      headers: { 'X-API-Key': apiKey.reveal() },
      json: {
        serviceUserId: request.userId,
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
  async refresh(accessToken: string): Promise<string> {
    const response = await this.http.send({
      provider: API_STREAM,
      method: 'PUT',
      url: this.url(),
      headers: { Authorization: `Bearer ${accessToken}` },
      json: {},
      idempotent: false,
    });
    return refreshedAccessToken(response);
  }

  private url(): string {
    return `${this.config.providers.apiStream.baseUrl}${TOKEN_PATH}`;
  }
}
