import { LRUCache } from 'lru-cache';
import type { WrappedDataKey } from './keyring';
import { standaloneBuffer } from './standalone-buffer';

/** Enough for every credential a busy worker touches within the age below. */
const MAX_KEYS = 20_000;
/** A data key stays in memory at most this long after it was unwrapped. */
const MAX_AGE_MS = 5 * 60_000;

/**
 * Unwrapped data keys, so a refresh (open, then seal) or a burst of reads unwraps a
 * credential's key once rather than per use; that matters once the keyring is a KMS call.
 * Keyed by the context and the exact wrapped bytes, so a re-wrapped or erased key is never
 * answered from here: the entry simply stops matching and ages out.
 */
export class DataKeyCache {
  private readonly keys = new LRUCache<string, Buffer>({ max: MAX_KEYS, ttl: MAX_AGE_MS });

  async get(
    wrapped: WrappedDataKey,
    context: string,
    unwrap: () => Promise<Buffer>,
  ): Promise<Buffer> {
    const key = cacheKey(wrapped, context);
    const cached = this.keys.get(key);
    if (cached) {
      return cached;
    }
    const dataKey = standaloneBuffer(await unwrap());
    this.keys.set(key, dataKey);
    return dataKey;
  }

  /**
   * The key if it is held (refreshing its place), synchronously: a read whose key is held
   * awaits nothing for it, and every await on the hot path is a promise or two per request.
   */
  held(wrapped: WrappedDataKey, context: string): Buffer | undefined {
    return this.keys.get(cacheKey(wrapped, context));
  }

  /** The key if it is held, without keeping one that is not (nor refreshing its place). */
  peek(wrapped: WrappedDataKey, context: string): Buffer | undefined {
    return this.keys.peek(cacheKey(wrapped, context));
  }
}

function cacheKey(wrapped: WrappedDataKey, context: string): string {
  return `${context}\u0000${wrapped.keyId}\u0000${wrapped.wrapped.toString('base64')}`;
}
