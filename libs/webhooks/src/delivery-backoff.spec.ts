import { deliveryRetryDelayMs } from './delivery-backoff';

describe('delivery backoff', () => {
  it('doubles per attempt, caps at an hour, and jitters into [50%, 100%]', () => {
    expect(deliveryRetryDelayMs(1, 30_000, () => 1)).toBe(30_000);
    expect(deliveryRetryDelayMs(2, 30_000, () => 1)).toBe(60_000);
    expect(deliveryRetryDelayMs(1, 30_000, () => 0)).toBe(15_000);
    expect(deliveryRetryDelayMs(30, 30_000, () => 1)).toBe(3_600_000);
  });

  it('spreads the default schedule over about a day', () => {
    let total = 0;
    let attempts = 0;
    while (total < 86_400_000 && attempts < 100) {
      attempts++;
      total += deliveryRetryDelayMs(attempts, 30_000, () => 0.75);
    }
    expect(attempts).toBeGreaterThan(15);
    expect(attempts).toBeLessThan(40);
  });
});
