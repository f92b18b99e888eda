/** When a token was obtained and how long it and its refresh token live. */
export interface CredentialTiming {
  readonly obtainedAt: Date;
  /** Access token lifetime; null when the upstream gives none (the token does not expire). */
  readonly expiresInSeconds: number | null;
  readonly refreshTokenExpiresInSeconds?: number | null;
  /** When the scheduler should refresh next (the provider's policy); null for never. */
  readonly refreshAt: Date | null;
}

export function expiresAtOf(timing: CredentialTiming): Date | null {
  return timing.expiresInSeconds === null
    ? null
    : new Date(timing.obtainedAt.getTime() + timing.expiresInSeconds * 1000);
}

export function refreshTokenExpiresAtOf(timing: CredentialTiming): Date | null {
  const seconds = timing.refreshTokenExpiresInSeconds;
  return seconds === null || seconds === undefined
    ? null
    : new Date(timing.obtainedAt.getTime() + seconds * 1000);
}

/** What a credential stores of its token lifetimes: the expiry columns. */
export interface StoredExpiry {
  readonly obtainedAt: Date;
  readonly expiresInSeconds: number | null;
  readonly expiresAt: Date | null;
  readonly refreshTokenExpiresInSeconds: number | null;
  readonly refreshTokenExpiresAt: Date | null;
}

/** A refresh's answer: lifetimes counted from when it was obtained. */
export interface RefreshedLifetimes {
  readonly obtainedAt: Date;
  readonly expiresInSeconds: number | null;
  /** Undefined: the answer said nothing of the refresh token, whose expiry stays as it was. */
  readonly refreshTokenExpiresInSeconds?: number | null;
}

/**
 * The expiry columns after a refresh, from plain values: the access token's from the answer;
 * the refresh token's from the answer when it gave one, else the row's as they were. The
 * one place they are derived, for the schedule and for the stored row alike.
 */
export function expiryAfterRefresh(
  previous: Pick<StoredExpiry, 'refreshTokenExpiresInSeconds' | 'refreshTokenExpiresAt'>,
  answer: RefreshedLifetimes,
): StoredExpiry {
  const keepsRefreshExpiry = answer.refreshTokenExpiresInSeconds === undefined;
  const timing = { ...answer, refreshAt: null };
  return {
    obtainedAt: answer.obtainedAt,
    expiresInSeconds: answer.expiresInSeconds,
    expiresAt: expiresAtOf(timing),
    refreshTokenExpiresInSeconds: keepsRefreshExpiry
      ? previous.refreshTokenExpiresInSeconds
      : (answer.refreshTokenExpiresInSeconds ?? null),
    refreshTokenExpiresAt: keepsRefreshExpiry
      ? previous.refreshTokenExpiresAt
      : refreshTokenExpiresAtOf(timing),
  };
}
