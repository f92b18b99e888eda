import { pooledRandomBytes } from './random-pool';

describe('pooledRandomBytes', () => {
  it('hands out each draw once, across refills of the pool', () => {
    // 2,000 nonces span several 4 KiB pools; a repeat would mean a pooled byte was reused.
    const seen = new Set<string>();
    for (let index = 0; index < 2_000; index++) {
      seen.add(pooledRandomBytes(12).toString('hex'));
    }
    expect(seen.size).toBe(2_000);
  });

  it('answers copies the next draw does not change', () => {
    const first = pooledRandomBytes(12);
    const copy = Buffer.from(first);
    for (let index = 0; index < 1_000; index++) {
      pooledRandomBytes(12);
    }
    expect(first).toEqual(copy);
    expect(first).toHaveLength(12);
  });

  it('refuses a size larger than its pool', () => {
    expect(() => pooledRandomBytes(4_097)).toThrow(RangeError);
  });
});
