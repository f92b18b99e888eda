import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import { ProviderIntegrations } from '../provider-integrations.service';
import type { KeepAlive, RevokeTarget, TokenProvider } from '../token-provider';
import { STREAM_CHAT } from './stream-chat-answers';
import { StreamChatClient } from './stream-chat.client';

/**
 * Stream Chat user tokens: signed locally on demand, nothing to refresh or keep alive (a
 * new one is simply signed). Deleting a stored token revokes, at Stream, every token of
 * that user issued before now (Stream revokes by user and time): the user Stream knows
 * under this team's upstream id, so another team's user of the same id is untouched.
 */
@Injectable()
export class StreamChatProvider implements TokenProvider {
  readonly name = STREAM_CHAT;
  readonly keepAlive: KeepAlive = 'never';

  constructor(
    private readonly client: StreamChatClient,
    private readonly integrations: ProviderIntegrations,
  ) {}

  revoke({ credential, integration }: RevokeTarget): Promise<void> {
    const upstreamUserId = this.integrations.upstreamUserId(
      integration,
      credential.team,
      credential.userId,
    );
    return this.client.revokeUserTokens(integration, upstreamUserId, new Date());
  }

  check(integration: Integration): Promise<void> {
    return this.client.getApp(integration);
  }
}
