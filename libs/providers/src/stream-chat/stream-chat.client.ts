import { KeyhouseConfig } from '@keyhouse/config';
import { Injectable } from '@nestjs/common';
import { UpstreamHttp } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';
import { STREAM_CHAT, streamChatResult } from './stream-chat-answers';
import { StreamChatSigner } from './stream-chat-signer';

/**
 * Stream Chat's REST API: `api_key` in the query, a raw (no "Bearer") server JWT in
 * Authorization, `stream-auth-type: jwt`, JSON bodies.
 */
@Injectable()
export class StreamChatClient {
  constructor(
    private readonly config: KeyhouseConfig,
    private readonly http: UpstreamHttp,
    private readonly signer: StreamChatSigner,
  ) {}

  isConfigured(): boolean {
    const { clientId, clientSecret } = this.config.providers.streamChat;
    return clientId !== undefined && clientSecret !== undefined;
  }

  /** The app's public API key, which clients pass to the Stream SDK. */
  get apiKey(): string {
    const { clientId } = this.config.providers.streamChat;
    if (clientId === undefined) {
      throw providerErrors(STREAM_CHAT).notConfigured();
    }
    return clientId;
  }

  /** Stream refuses every token of this user whose `iat` is before `before`. */
  async revokeUserTokens(userId: string, before: Date): Promise<void> {
    const serverToken = await this.signer.serverToken();
    const query = new URLSearchParams({ api_key: this.apiKey });
    const response = await this.http.send({
      provider: STREAM_CHAT,
      method: 'PATCH',
      url: `${this.config.providers.streamChat.baseUrl}/users?${query.toString()}`,
      headers: { Authorization: serverToken, 'stream-auth-type': 'jwt' },
      json: { users: [{ id: userId, set: { revoke_tokens_issued_before: before.toISOString() } }] },
      // Setting the same instant twice leaves the same state: safe to retry.
      idempotent: true,
    });
    streamChatResult(response);
  }
}
