import { AuthError, AuthErrorCode } from '@keyhouse/auth';
import { type Caller, DEVELOPMENT_MAX_LIFETIME_SECONDS } from '@keyhouse/common';

/**
 * Development keys get tokens of at most DEVELOPMENT_MAX_LIFETIME_SECONDS from every provider.
 *
 * - Where Keyhouse sets the lifetime (Stream Chat signs locally, api.stream takes
 *   maxDuration, Mesh link tokens live 10 minutes), the lifetime is held within the cap.
 * - Where only the upstream decides it and publishes no way to ask for less (MyDataHelps
 *   participant tokens, about 6 h; a TPA Stream token whose `exp` says more than an hour),
 *   a development key is refused with 403 `development_limit`, before the token is stored
 *   or handed out. Handing it out "capped" would only restate its expiry: the token would
 *   still work upstream for hours, and the cap is a promise about what a leaked
 *   development token can do.
 */
export function assertWithinDevelopmentCap(
  caller: Caller,
  provider: string,
  lifetimeSeconds: number,
): void {
  if (caller.development && lifetimeSeconds > DEVELOPMENT_MAX_LIFETIME_SECONDS) {
    throw new AuthError(
      AuthErrorCode.DevelopmentLimit,
      `development keys get tokens of at most ${DEVELOPMENT_MAX_LIFETIME_SECONDS} seconds; ` +
        `${provider} issues this one for ${lifetimeSeconds} seconds and cannot shorten it, ` +
        'so use a non-development key',
    );
  }
}

/** The same refusal decided before any upstream call, for a provider that never shortens. */
export function refuseDevelopmentKey(
  caller: Caller,
  provider: string,
  typicalSeconds: number,
): void {
  if (caller.development) {
    throw new AuthError(
      AuthErrorCode.DevelopmentLimit,
      `development keys get tokens of at most ${DEVELOPMENT_MAX_LIFETIME_SECONDS} seconds; ` +
        `${provider} issues its tokens for about ${typicalSeconds} seconds and cannot shorten ` +
        'them, so use a non-development key',
    );
  }
}

/**
 * A stored token read back by a development key (GET /v1/credentials/{id}/token, Mesh
 * connections): the same cap, judged on what the token has left. A token that expires later,
 * or never, was obtained for a non-development key or from the user's own connection, and is
 * refused rather than handed out as if it were capped.
 */
export function assertReadableByDevelopmentKey(
  caller: Caller,
  provider: string,
  expiresAt: Date | null,
  now = new Date(),
): void {
  if (!caller.development) {
    return;
  }
  const secondsLeft =
    expiresAt === null ? Infinity : Math.floor((expiresAt.getTime() - now.getTime()) / 1_000);
  if (secondsLeft > DEVELOPMENT_MAX_LIFETIME_SECONDS) {
    throw new AuthError(
      AuthErrorCode.DevelopmentLimit,
      `development keys get tokens of at most ${DEVELOPMENT_MAX_LIFETIME_SECONDS} seconds; ` +
        `this ${provider} token ${expiresAt === null ? 'does not expire' : `has ${secondsLeft} seconds left`}, ` +
        'so use a non-development key',
    );
  }
}
