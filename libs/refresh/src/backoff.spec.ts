import fc from 'fast-check';
import { retryAt, retryDelayMs } from './backoff';

describe('retry backoff', () => {
  it('doubles per attempt within [50%, 100%] of the exponential, capped at 5 minutes', () => {
    expect(retryDelayMs(1, 1_000, () => 1)).toBe(1_000);
    expect(retryDelayMs(3, 1_000, () => 1)).toBe(4_000);
    expect(retryDelayMs(3, 1_000, () => 0)).toBe(2_000);
    expect(retryDelayMs(30, 1_000, () => 1)).toBe(300_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, random) => {
          const delay = retryDelayMs(attempt, 2_000, () => random);
          expect(delay).toBeGreaterThan(0);
          expect(delay).toBeLessThanOrEqual(300_000);
        },
      ),
    );
  });

  it('never schedules a retry past the expiry of a token that can still be saved', () => {
    const now = new Date('2026-11-21T10:00:00Z');
    expect(retryAt(now, 60_000, new Date('2026-11-21T10:00:30Z'))).toEqual(
      new Date('2026-11-21T10:00:25Z'),
    );
    expect(retryAt(now, 10_000, new Date('2026-11-21T10:05:00Z'))).toEqual(
      new Date('2026-11-21T10:00:10Z'),
    );
    expect(retryAt(now, 10_000, new Date('2026-11-21T09:59:00Z'))).toEqual(
      new Date('2026-11-21T10:00:10Z'),
    );
    expect(retryAt(now, 10_000, null)).toEqual(new Date('2026-11-21T10:00:10Z'));
  });
});
