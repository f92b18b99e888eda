const MAX_DELAY_MS = 5 * 60_000;

/**
 * Exponential backoff with jitter for the `attempt`-th consecutive failure (1-based):
 * base · 2^(attempt−1), capped, then scaled into [50%, 100%] so processes that failed
 * together do not retry together.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}

/**
 * When to try again: after the backoff, but never past the token's expiry while it could
 * still be saved; a few seconds before expiry is the last useful moment.
 */
export function retryAt(now: Date, delayMs: number, expiresAt: Date | null): Date {
  const planned = now.getTime() + delayMs;
  if (!expiresAt) {
    return new Date(planned);
  }
  const lastUseful = expiresAt.getTime() - 5_000;
  return new Date(lastUseful > now.getTime() ? Math.min(planned, lastUseful) : planned);
}
