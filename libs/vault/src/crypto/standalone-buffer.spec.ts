import { DataKeyCache } from './data-key-cache';
import { standaloneBuffer } from './standalone-buffer';

describe('standaloneBuffer', () => {
  it('copies a pooled view into memory of its own, byte for byte', () => {
    const pooled = Buffer.from('a short secret');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length); // Node's shared pool
    const own = standaloneBuffer(pooled);
    expect(own.equals(pooled)).toBe(true);
    expect(own.buffer.byteLength).toBe(own.length);
  });

  it('is what the data-key cache keeps, so a cached key pins no pool slab', async () => {
    const cache = new DataKeyCache();
    const wrapped = { keyId: 'k1', wrapped: Buffer.from('wrapped-bytes') };
    const first = await cache.get(wrapped, 'ctx', () =>
      Promise.resolve(Buffer.from('0123456789abcdef')),
    );
    expect(first.buffer.byteLength).toBe(16);
    const again = await cache.get(wrapped, 'ctx', () =>
      Promise.reject(new Error('unwrapped twice')),
    );
    expect(again).toBe(first);
  });
});
