import { claimedAheadOf } from './refresh-scheduler.service';

describe('claimedAheadOf', () => {
  it('keeps two rounds of calls ready, at most one batch, at least one row', () => {
    expect(claimedAheadOf(10, 50)).toBe(20);
    expect(claimedAheadOf(100, 50)).toBe(50);
    expect(claimedAheadOf(1, 50)).toBe(2);
    expect(claimedAheadOf(10, 1)).toBe(1);
  });
});
