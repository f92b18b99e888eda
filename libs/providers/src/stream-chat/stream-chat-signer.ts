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

  /** For Stream's REST API: `{"server": true}`, sent raw in the Authorization header. */
  serverToken(issuedAt: number): Promise<string> {
    return this.sign({ server: true, iat: issuedAt });
  }

  private sign(payload: Record<string, unknown>): Promise<string> {
    const { clientSecret } = this.config.providers.streamChat;
    if (clientSecret === undefined) {
      throw providerErrors(STREAM_CHAT).notConfigured();
    }
    return this.jwt.signAsync(payload, { secret: clientSecret.reveal(), algorithm: 'HS256' });
  }
}
