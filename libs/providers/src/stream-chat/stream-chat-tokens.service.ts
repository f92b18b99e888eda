import { clientActor } from '@keyhouse/audit';
import { AuthError, AuthErrorCode } from '@keyhouse/auth';
import { type Caller, DEVELOPMENT_MAX_LIFETIME_SECONDS } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { CredentialIssuer } from '../credential-issuer.service';
import { ProviderIntegrations } from '../provider-integrations.service';
import { DEFAULT_USER_TOKEN_SECONDS, type UserTokenResponse } from './dto/stream-chat.dto';
import { STREAM_CHAT } from './stream-chat-answers';
import { StreamChatProvider } from './stream-chat.provider';
import { StreamChatSigner } from './stream-chat-signer';

@Injectable()
export class StreamChatTokensService {
  constructor(
    private readonly signer: StreamChatSigner,
    private readonly provider: StreamChatProvider,
    private readonly issuer: CredentialIssuer,
    private readonly integrations: ProviderIntegrations,
  ) {}

  /** Signs a user token locally and stores it (one row per user, replaced each time). */
  async mint(
    caller: Caller,
    userId: string,
    lifetimeSeconds = DEFAULT_USER_TOKEN_SECONDS,
  ): Promise<UserTokenResponse> {
    if (caller.development && lifetimeSeconds > DEVELOPMENT_MAX_LIFETIME_SECONDS) {
      throw new AuthError(
        AuthErrorCode.DevelopmentLimit,
        `Development keys mint tokens of at most ${DEVELOPMENT_MAX_LIFETIME_SECONDS} seconds`,
      );
    }
    const integration = this.integrations.forTeam(caller.team, STREAM_CHAT);
    const upstreamUserId = this.integrations.upstreamUserId(integration, caller.team, userId);
    // Whole seconds, so the stored expiry is exactly the token's `exp`.
    const issuedAt = Math.floor(Date.now() / 1_000);
    const expiresAt = issuedAt + lifetimeSeconds;
    const token = this.signer.userToken(integration, {
      upstreamUserId,
      issuedAt,
      expiresAt,
    });
    await this.issuer.issue(this.provider, integration, {
      owner: { team: caller.team, userId },
      secrets: { accessToken: token, refreshToken: null },
      obtainedAt: new Date(issuedAt * 1_000),
      expiresInSeconds: lifetimeSeconds,
      metadata: { kind: 'user_token' },
      actor: clientActor(caller),
      action: 'credential.issued',
    });
    return {
      apiKey: integration.setting('apiKey'),
      userId,
      upstreamUserId,
      token,
      expiresAt: new Date(expiresAt * 1_000).toISOString(),
    };
  }
}
