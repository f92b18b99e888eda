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
