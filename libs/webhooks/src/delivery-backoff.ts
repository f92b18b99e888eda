const MAX_DELAY_MS = 3_600_000;

/**
 * The wait before the next attempt after `attempt` failed ones (1-based): base · 2^(n−1),
 * capped at an hour, scaled into [50%, 100%] so endpoints that failed together do not all
 * come back together. With the default 30 s base that is about 20 attempts over 24 h.
 */
export function deliveryRetryDelayMs(
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}
