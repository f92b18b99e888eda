import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import { UpstreamHttp } from '../http/upstream-http.service';
import { STREAM_CHAT, streamChatResult } from './stream-chat-answers';
import { StreamChatSigner } from './stream-chat-signer';

/**
 * Stream Chat's REST API: `api_key` in the query, a raw (no "Bearer") server JWT in
 * Authorization, `stream-auth-type: jwt`, JSON bodies.
 */
@Injectable()
export class StreamChatClient {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly signer: StreamChatSigner,
  ) {}

  /** Stream refuses every token of this user whose `iat` is before `before`. */
  async revokeUserTokens(
    integration: Integration,
    upstreamUserId: string,
    before: Date,
  ): Promise<void> {
    const response = await this.http.send({
      provider: STREAM_CHAT,
      method: 'PATCH',
      url: await this.url(integration, '/users'),
      headers: this.headers(integration),
      json: {
        users: [{ id: upstreamUserId, set: { revoke_tokens_issued_before: before.toISOString() } }],
      },
      // Setting the same instant twice leaves the same state: safe to retry.
      idempotent: true,
    });
    streamChatResult(response);
  }

  /** `GET /app`: reads the app's settings and changes nothing; proves the key and secret. */
  async getApp(integration: Integration): Promise<void> {
    const response = await this.http.send({
      provider: STREAM_CHAT,
      method: 'GET',
      url: await this.url(integration, '/app'),
      headers: this.headers(integration),
      idempotent: true,
    });
    streamChatResult(response);
  }

  private url(integration: Integration, path: string): Promise<string> {
    const query = new URLSearchParams({ api_key: integration.setting('apiKey') });
    return Promise.resolve(`${integration.setting('baseUrl')}${path}?${query.toString()}`);
  }

  private headers(integration: Integration): Record<string, string> {
    return {
      Authorization: this.signer.serverToken(integration),
      'stream-auth-type': 'jwt',
    };
  }
}
