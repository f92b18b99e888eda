import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/** Times in whole seconds since the epoch, as JWT claims count them. */
export interface UserTokenClaims {
  /** The user_id Stream sees (derived per team where the integration is shared). */
  readonly upstreamUserId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Signs Stream Chat tokens locally with the integration's API secret (HS256, header
 * {"alg":"HS256","typ":"JWT"}). User tokens always carry `iat` (revocation by time needs
 * it) and `exp` (Stream's SDK sets neither by default; a token that never expires is
 * not one we hand out). Signed synchronously: the library's async path pipes each token
 * through a stream, which was most of a mint's signing cost.
 */
@Injectable()
export class StreamChatSigner {
  /**
   * The API secret as a key object, per integration. Handed a string, jsonwebtoken first
   * tries to parse it as a PEM private key and catches the failure: that attempt was the
   * largest single cost of a mint. Integrations are immutable (a changed one is a new
   * object), so a weak map keyed by the object never serves an old secret.
   */
  readonly #keys = new WeakMap<Integration, KeyObject>();

  constructor(private readonly jwt: JwtService) {}

  userToken(
    integration: Integration,
    { upstreamUserId, issuedAt, expiresAt }: UserTokenClaims,
  ): string {
    return this.sign(integration, { user_id: upstreamUserId, iat: issuedAt, exp: expiresAt });
  }

  /**
   * For Stream's REST API: `{"server": true}`, sent raw in the Authorization header, with no
   * `iat`: Stream refuses a token issued "in the future" by its clock (401, code 42), so a
   * gateway whose clock runs ahead would lose every revocation. Stream's own SDKs sign it so.
   */
  serverToken(integration: Integration): string {
    return this.sign(integration, { server: true }, { noTimestamp: true });
  }

  private sign(
    integration: Integration,
    payload: Record<string, unknown>,
    options: { readonly noTimestamp?: boolean } = {},
  ): string {
    return this.jwt.sign(payload, {
      privateKey: this.keyOf(integration),
      algorithm: 'HS256',
      ...options,
    });
  }

  private keyOf(integration: Integration): KeyObject {
    let key = this.#keys.get(integration);
    if (!key) {
      key = createSecretKey(Buffer.from(integration.secret('apiSecret'), 'utf8'));
      this.#keys.set(integration, key);
    }
    return key;
  }
}
