import { KeyhouseConfig } from '@keyhouse/config';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { providerErrors } from '../provider.errors';
import { STREAM_CHAT } from './stream-chat-answers';

/** Times in whole seconds since the epoch, as JWT claims count them. */
export interface UserTokenClaims {
  readonly userId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Signs Stream Chat tokens locally with the app's API secret (HS256, header
 * {"alg":"HS256","typ":"JWT"}). User tokens always carry `iat` (revocation by time needs
 * it) and `exp` (Stream's SDK sets neither by default; a token that never expires is
 * not one we hand out).
 */
@Injectable()
export class StreamChatSigner {
  constructor(
    private readonly config: KeyhouseConfig,
    private readonly jwt: JwtService,
  ) {}

  userToken({ userId, issuedAt, expiresAt }: UserTokenClaims): Promise<string> {
    return this.sign({ user_id: userId, iat: issuedAt, exp: expiresAt });
  }

  /**
   * For Stream's REST API: `{"server": true}`, sent raw in the Authorization header, with no
   * `iat`: Stream refuses a token issued "in the future" by its clock (401, code 42), so a
   * gateway whose clock runs ahead would lose every revocation. Stream's own SDKs sign it so.
   */
  serverToken(): Promise<string> {
    return this.sign({ server: true }, { noTimestamp: true });
  }

  private sign(
    payload: Record<string, unknown>,
    options: { readonly noTimestamp?: boolean } = {},
  ): Promise<string> {
    const { clientSecret } = this.config.providers.streamChat;
    if (clientSecret === undefined) {
      throw providerErrors(STREAM_CHAT).notConfigured();
    }
    return this.jwt.signAsync(payload, {
      secret: clientSecret.reveal(),
      algorithm: 'HS256',
      ...options,
    });
  }
}
