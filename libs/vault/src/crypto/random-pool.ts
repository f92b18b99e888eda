import { randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG per refill: 4 KiB, 341 nonces of 12 bytes. */
const POOL_BYTES = 4_096;

let pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `size` fresh random bytes (a nonce), copied out of a pool that the CSPRNG refills once
 * every few hundred calls. Why: a `randomBytes(12)` per seal was about 5% of a mint's CPU,
 * nearly all of it the per-call cost of reaching OpenSSL, not the randomness. Each pooled
 * byte is handed out once and the pool is overwritten before reuse, so the output is
 * exactly as unpredictable as `randomBytes`; a new process starts with an empty pool.
 */
export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) {
    throw new RangeError(`pooledRandomBytes serves at most ${POOL_BYTES} bytes`);
  }
  if (offset + size > POOL_BYTES) {
    // A fresh buffer rather than an in-place refill, so no byte of the old pool is ever
    // handed out again, whatever happened to the offset.
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  // A copy, and the pooled bytes zeroed: what a caller holds is its own, and the pool keeps
  // no trace of a nonce it handed out.
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
