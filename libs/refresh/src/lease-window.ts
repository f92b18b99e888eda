/**
 * How much of a refresh lease this process can still count on, in its own clock.
 *
 * Postgres sets `lease_expires_at = now() + lease` when it runs the claim or extension. We
 * never read that value back: comparing our clock with the database's would let skew eat the
 * lease. Instead the window starts when we *sent* the statement, which is never later than
 * when Postgres ran it, so our deadline is never later than the database's. All times are
 * monotonic milliseconds (performance.now()), so a wall-clock jump cannot stretch it either.
 */
export class LeaseWindow {
  private deadlineMs: number;

  constructor(
    sentAtMs: number,
    private readonly leaseMs: number,
  ) {
    this.deadlineMs = sentAtMs + leaseMs;
  }

  /** The lease was extended by a statement sent at `sentAtMs` that still held the fence. */
  extendedFrom(sentAtMs: number): void {
    this.deadlineMs = Math.max(this.deadlineMs, sentAtMs + this.leaseMs);
  }

  remainingMs(nowMs: number): number {
    return this.deadlineMs - nowMs;
  }

  /** Whether a call of `callMs` plus the write after it fits in what is left. */
  covers(nowMs: number, callMs: number, writeMarginMs: number): boolean {
    return this.remainingMs(nowMs) >= callMs + writeMarginMs;
  }

  /** The last moment at which a write of an answer in hand may still be attempted. */
  writeDeadlineMs(writeMarginMs: number): number {
    return this.deadlineMs - writeMarginMs;
  }
}

/** How often a held lease is extended: often enough that two missed beats still leave room. */
export function heartbeatIntervalMs(leaseMs: number): number {
  return Math.max(100, Math.floor(leaseMs / 4));
}
