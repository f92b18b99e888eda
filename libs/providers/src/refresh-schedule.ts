/**
 * When to refresh (docs/architecture.md, "When to refresh"): ahead of expiry by max(minimum lead, 10% of the
 * lifetime), minus a little jitter so tokens issued together do not all refresh in the same
 * second. A refresh token that expires gets its own renewal the same way.
 */
export interface Expiry {
  readonly expiresAt: Date;
  readonly lifetimeSeconds: number;
}

export interface ScheduleInput {
  readonly accessToken: Expiry | null;
  readonly refreshToken: Expiry | null;
  readonly minLeadSeconds: number;
  /** Never schedule before this (the time the tokens were obtained). */
  readonly notBefore: Date;
  /** 0..1; injectable so tests are deterministic. */
  readonly random?: () => number;
}

/** The lead before expiry at which a token of `lifetimeSeconds` is refreshed. */
export function refreshLeadSeconds(lifetimeSeconds: number, minLeadSeconds: number): number {
  return Math.max(minLeadSeconds, lifetimeSeconds * 0.1);
}

/** At most 5% of the lifetime and 30 s. */
export function jitterSeconds(lifetimeSeconds: number, random: () => number): number {
  return random() * Math.min(30, lifetimeSeconds * 0.05);
}

export function nextRefreshAt(input: ScheduleInput): Date | null {
  const random = input.random ?? Math.random;
  const candidates = [input.accessToken, input.refreshToken]
    .filter((expiry): expiry is Expiry => expiry !== null)
    .map((expiry) => {
      const lead =
        refreshLeadSeconds(expiry.lifetimeSeconds, input.minLeadSeconds) +
        jitterSeconds(expiry.lifetimeSeconds, random);
      return expiry.expiresAt.getTime() - lead * 1_000;
    });
  if (candidates.length === 0) {
    return null;
  }
  // A lifetime shorter than the lead is due at once, never before the tokens were obtained.
  return new Date(Math.max(Math.min(...candidates), input.notBefore.getTime()));
}

/**
 * True when `expiry` is within its refresh lead at `now`, counting the largest jitter: the
 * scheduler may run a refresh that much before the lead, and it must then still see the
 * token (or the refresh token) as due.
 */
export function insideRefreshLead(
  expiry: Expiry | null,
  now: Date,
  minLeadSeconds: number,
): boolean {
  if (expiry === null) {
    return false;
  }
  const window =
    refreshLeadSeconds(expiry.lifetimeSeconds, minLeadSeconds) +
    jitterSeconds(expiry.lifetimeSeconds, () => 1);
  return expiry.expiresAt.getTime() - now.getTime() <= window * 1_000;
}

export function expiryOf(expiresAt: Date | null, lifetimeSeconds: number | null): Expiry | null {
  return expiresAt && lifetimeSeconds !== null ? { expiresAt, lifetimeSeconds } : null;
}
