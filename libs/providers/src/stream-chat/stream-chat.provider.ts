import type { CredentialEntity } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { providerErrors } from '../provider.errors';
import type { KeepAlive, RefreshedTokens, TokenProvider } from '../token-provider';
import { STREAM_CHAT } from './stream-chat-answers';
import { StreamChatClient } from './stream-chat.client';

/**
 * Stream Chat user tokens: signed locally on demand, nothing to keep alive (a new one is
 * simply signed). Deleting a stored token revokes, at Stream, every token of that user
 * issued before now: Stream revokes by user and time, not token by token.
 */
@Injectable()
export class StreamChatProvider implements TokenProvider {
  readonly name = STREAM_CHAT;
  readonly keepAlive: KeepAlive = 'never';

  constructor(private readonly client: StreamChatClient) {}

  isConfigured(): boolean {
    return this.client.isConfigured();
  }

  canRefresh(): boolean {
    return false;
  }

  refresh(): Promise<RefreshedTokens> {
    // Never called (canRefresh is false): a user token is replaced by signing a new one.
    return Promise.reject(providerErrors(STREAM_CHAT).needsReauth('user_token_not_refreshable'));
  }

  revoke(credential: CredentialEntity): Promise<void> {
    return this.client.revokeUserTokens(credential.userId, new Date());
  }
}
