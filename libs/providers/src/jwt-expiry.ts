import { decode } from 'jsonwebtoken';

/**
 * Lifetime in seconds from a JWT's `exp`, read without verifying (we did not sign it and
 * only need the upstream's own statement of expiry); undefined when it is not a JWT with
 * a sensible `exp`.
 */
export function jwtLifetimeSeconds(token: string, obtainedAt: Date): number | undefined {
  try {
    const claims = decode(token, { json: true });
    const exp = claims?.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) {
      return undefined;
    }
    const seconds = Math.floor(exp - obtainedAt.getTime() / 1_000);
    return seconds > 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}
