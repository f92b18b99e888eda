/** Thrown when a promise did not settle within its deadline. */
export class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`no answer within ${Math.round(ms)} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Waits for `work` at most `ms`. The work itself is not cancelled (a query sent to a stalled
 * database may still run later); callers rely on the lease fence to make a late write harmless.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) {
    work.catch(() => undefined);
    return Promise.reject(new DeadlineExceeded(ms));
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
