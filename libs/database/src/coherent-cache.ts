import { LRUCache } from 'lru-cache';
import type { NotificationListener, NotificationSubscriber } from './notification-listener';

export interface CoherentCacheOptions<V extends object> {
  /** Most entries held; the least recently used go first. */
  readonly max: number;
  /** The NOTIFY channel whose payloads name what changed. */
  readonly channel: string;
  /**
   * The payload that invalidates an entry, when it is not the entry's own key (a client is
   * cached by key hash, its row notifies its id).
   */
  readonly payloadOf?: (value: V) => string;
}

/**
 * Rows held in memory for the hot path, and trusted only while the process's listener is
 * current: any other moment (no connection, a stall, a resync) reads through to the
 * database. A NOTIFY for an entry drops it; a load that overlapped any notification is
 * served but not kept, so a row read just before a change can never outlive the change.
 */
export class CoherentCache<K extends string, V extends object> implements NotificationSubscriber {
  private readonly entries: LRUCache<K, V>;
  /** Keys by notification payload, for caches not keyed by it. */
  private readonly byPayload = new Map<string, Set<K>>();
  /** Bumped by every notification and resync: a load that saw it change keeps nothing. */
  private generation = 0;
  private started = false;

  constructor(
    private readonly listener: NotificationListener,
    private readonly options: CoherentCacheOptions<V>,
  ) {
    this.entries = new LRUCache<K, V>({
      max: options.max,
      dispose: (value, key) => this.unindex(value, key),
    });
  }

  /**
   * The cached value, or `load()`'s (kept when nothing changed meanwhile); null is not kept.
   * The first call starts following the channel, without waiting: until the listener is
   * current every call reads through. (Lazily, so an app whose start fails opens nothing.)
   */
  async get(key: K, load: () => Promise<V | null>): Promise<V | null> {
    if (!this.started) {
      this.started = true;
      void this.listener.subscribe(this.options.channel, this);
    }
    if (this.listener.current) {
      const hit = this.entries.get(key);
      if (hit !== undefined) {
        return hit;
      }
    }
    const generation = this.generation;
    const loaded = await load();
    if (loaded !== null && generation === this.generation && this.listener.current) {
      this.entries.set(key, loaded);
      this.index(loaded, key);
    }
    return loaded;
  }

  /** This process changed the row: forget it now rather than when the notification arrives. */
  invalidate(payload: string): void {
    this.generation++;
    for (const key of this.keysOf(payload)) {
      this.entries.delete(key);
    }
  }

  /** Replaces a held entry (a column whose change sends no notification); none: no-op. */
  amend(key: K, change: (value: V) => V): void {
    const held = this.entries.peek(key);
    if (held !== undefined) {
      const next = change(held);
      this.entries.set(key, next);
      this.index(next, key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  notify(payload: string): void {
    this.invalidate(payload);
  }

  resync(): void {
    this.generation++;
    this.entries.clear();
  }

  private keysOf(payload: string): K[] {
    if (!this.options.payloadOf) {
      return [payload as K];
    }
    return [...(this.byPayload.get(payload) ?? [])];
  }

  private index(value: V, key: K): void {
    if (this.options.payloadOf) {
      const payload = this.options.payloadOf(value);
      const keys = this.byPayload.get(payload) ?? new Set<K>();
      keys.add(key);
      this.byPayload.set(payload, keys);
    }
  }

  private unindex(value: V, key: K): void {
    if (this.options.payloadOf) {
      const payload = this.options.payloadOf(value);
      const keys = this.byPayload.get(payload);
      keys?.delete(key);
      if (keys?.size === 0) {
        this.byPayload.delete(payload);
      }
    }
  }
}
