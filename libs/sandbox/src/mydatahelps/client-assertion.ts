import { type JwtPayload, verify } from 'jsonwebtoken';
import { isUuid } from '../common/random-token';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How far ahead an assertion may expire; the protocol says "a few minutes" (docs/protocols.md, MyDataHelps service token). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 600;

export interface AssertionExpectations {
  readonly publicKeyPem: string;
  readonly serviceAccount: string;
  readonly tokenUrl: string;
  readonly nowSeconds: number;
  readonly seenJtis: ReadonlySet<string>;
}

export type AssertionResult =
  | { readonly ok: true; readonly jti: string }
  | { readonly ok: false; readonly description: string };

/**
 * Verifies a private_key_jwt client assertion (RFC 7523) as MyDataHelps must: RS256 with the
 * service account's key, iss = sub = the account, aud = exactly the token URL, a short
 * unexpired exp and a never-seen UUID jti. The caller records the jti once it issues a token.
 */
export function verifyClientAssertion(
  assertion: string,
  expected: AssertionExpectations,
): AssertionResult {
  let payload: JwtPayload | string;
  try {
    payload = verify(assertion, expected.publicKeyPem, {
      algorithms: ['RS256'],
      audience: expected.tokenUrl,
      issuer: expected.serviceAccount,
      subject: expected.serviceAccount,
      clockTimestamp: expected.nowSeconds,
    });
  } catch (error) {
    return refuse(
      `client assertion rejected: ${error instanceof Error ? error.message : 'invalid'}`,
    );
  }
  if (typeof payload === 'string') {
    return refuse('client assertion payload is not a JSON object');
  }
  // jsonwebtoken accepts an array that contains the audience; the token URL alone is stricter.
  if (payload.aud !== expected.tokenUrl) {
    return refuse('client assertion aud must be the token URL');
  }
  if (typeof payload.exp !== 'number') {
    return refuse('client assertion has no exp');
  }
  if (payload.exp > expected.nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS) {
    return refuse(`client assertion exp is more than ${MAX_ASSERTION_LIFETIME_SECONDS} s ahead`);
  }
  if (!isUuid(payload.jti)) {
    return refuse('client assertion jti must be a UUID');
  }
  if (expected.seenJtis.has(payload.jti)) {
    return refuse('client assertion jti was already used');
  }
  return { ok: true, jti: payload.jti };
}

function refuse(description: string): AssertionResult {
  return { ok: false, description };
}
