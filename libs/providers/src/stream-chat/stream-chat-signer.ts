import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';

/** Times in whole seconds since the epoch, as JWT claims count them. */
export interface UserTokenClaims {
  /** The user_id Stream sees (derived per team where the integration is shared). */
  readonly upstreamUserId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** The one header every token has, encoded once. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * Signs Stream Chat tokens locally with the integration's API secret (HS256, header
 * {"alg":"HS256","typ":"JWT"}). User tokens always carry `iat` (revocation by time needs
 * it) and `exp` (Stream's SDK sets neither by default; a token that never expires is
 * not one we hand out). A JWT here is three base64url parts and one HMAC over the first
 * two, written directly: the claims are ours and fixed, so a general JWT library's option
 * parsing, claim validation and stream plumbing were most of a mint's signing cost.
 */
@Injectable()
export class StreamChatSigner {
  /**
   * The API secret as a key object, per integration, imported once. Integrations are
   * immutable (a changed one is a new object), so a weak map keyed by the object never
   * serves an old secret.
   */
  readonly #keys = new WeakMap<Integration, KeyObject>();

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
    return this.sign(integration, { server: true });
  }

  private sign(integration: Integration, claims: Record<string, unknown>): string {
    const signed = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = createHmac('sha256', this.keyOf(integration))
      .update(signed)
      .digest('base64url');
    return `${signed}.${signature}`;
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
