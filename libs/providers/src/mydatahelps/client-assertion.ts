import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { providerErrors } from '../provider.errors';
import { MYDATAHELPS } from './mydatahelps-answers';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** "A few minutes ahead" (docs/protocols.md, MyDataHelps service token); long enough for clock skew, short against replay. */
export const ASSERTION_LIFETIME_SECONDS = 300;

export interface AssertionInput {
  /** The service account name: both `iss` and `sub`. */
  readonly serviceAccount: string;
  /** The full token URL: the `aud`. */
  readonly tokenUrl: string;
  readonly privateKeyPem: string;
  readonly now: Date;
}

/**
 * A private_key_jwt client assertion (RFC 7523): RS256, iss = sub = the service account,
 * aud = the token URL, a short exp and a fresh jti. A jti is single use upstream, so every
 * request builds its own assertion: never resend one.
 */
export function clientAssertion(input: AssertionInput): string {
  const iat = Math.floor(input.now.getTime() / 1_000);
  try {
    return sign(
      {
        iss: input.serviceAccount,
        sub: input.serviceAccount,
        aud: input.tokenUrl,
        iat,
        exp: iat + ASSERTION_LIFETIME_SECONDS,
        jti: randomUUID(),
      },
      pemWithNewlines(input.privateKeyPem),
      { algorithm: 'RS256' },
    );
  } catch {
    // Never pass the signing error on: it may quote the key.
    throw providerErrors(MYDATAHELPS).misconfigured('invalid_private_key');
  }
}

/** A PEM passed through an env file often arrives with literal "\n" sequences. */
function pemWithNewlines(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}
