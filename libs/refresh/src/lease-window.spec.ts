import fc from 'fast-check';
import { heartbeatIntervalMs, LeaseWindow } from './lease-window';

describe('LeaseWindow', () => {
  const LEASE_MS = 30_000;
  const TIMEOUT_MS = 10_000;
  const MARGIN_MS = 2_000;

  it('starts when the claim was sent, not when it was answered', () => {
    const window = new LeaseWindow(1_000, LEASE_MS);
    // A claim sent at 1 s and answered at 9 s (a stalled database) has 22 s left, not 30 s.
    expect(window.remainingMs(9_000)).toBe(22_000);
  });

  it('covers a call only while the upstream timeout plus the write margin fit in what is left', () => {
    const window = new LeaseWindow(0, LEASE_MS);
    expect(window.covers(LEASE_MS - TIMEOUT_MS - MARGIN_MS, TIMEOUT_MS, MARGIN_MS)).toBe(true);
    expect(window.covers(LEASE_MS - TIMEOUT_MS - MARGIN_MS + 1, TIMEOUT_MS, MARGIN_MS)).toBe(false);
  });

  it('never lets a call start with less lease left than the timeout plus the margin', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 5 }),
        (sentAt, elapsed, extensions) => {
          const window = new LeaseWindow(sentAt, LEASE_MS);
          for (const at of extensions) {
            window.extendedFrom(at);
          }
          const now = sentAt + elapsed;
          if (window.covers(now, TIMEOUT_MS, MARGIN_MS)) {
            expect(window.remainingMs(now)).toBeGreaterThanOrEqual(TIMEOUT_MS + MARGIN_MS);
          }
        },
      ),
      { seed: 8, numRuns: 500 },
    );
  });

  it('moves its end only forward when extended', () => {
    const window = new LeaseWindow(10_000, LEASE_MS);
    window.extendedFrom(5_000); // an extension sent before the claim says nothing new
    expect(window.remainingMs(10_000)).toBe(LEASE_MS);
    window.extendedFrom(20_000);
    expect(window.remainingMs(20_000)).toBe(LEASE_MS);
  });

  it('stops writing an answer a margin before the lease ends', () => {
    const window = new LeaseWindow(0, LEASE_MS);
    expect(window.writeDeadlineMs(MARGIN_MS)).toBe(LEASE_MS - MARGIN_MS);
  });

  it('beats at least four times per lease', () => {
    expect(heartbeatIntervalMs(LEASE_MS) * 4).toBeLessThanOrEqual(LEASE_MS);
    expect(heartbeatIntervalMs(200)).toBe(100);
  });
});
