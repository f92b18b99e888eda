import { CoherentCache } from './coherent-cache';
import type { NotificationListener, NotificationSubscriber } from './notification-listener';

/** The listener's two faces the cache uses: whether it is current, and subscribing. */
class Listener {
  current = true;
  subscriber?: NotificationSubscriber;
  subscribe(_channel: string, subscriber: NotificationSubscriber): Promise<void> {
    this.subscriber = subscriber;
    return Promise.resolve();
  }
}

interface Row {
  readonly id: string;
  readonly value: number;
}

function setUp(payloadOf?: (row: Row) => string) {
  const listener = new Listener();
  const cache = new CoherentCache<string, Row>(listener as unknown as NotificationListener, {
    max: 2,
    channel: 'rows',
    payloadOf,
  });
  let loads = 0;
  const load = (value: number) => () => {
    loads++;
    return Promise.resolve({ id: 'a', value });
  };
  return { listener, cache, load, loads: () => loads };
}

describe('CoherentCache', () => {
  it('serves a held row without loading while the listener is current', async () => {
    const { cache, load, loads } = setUp();
    expect(await cache.get('a', load(1))).toEqual({ id: 'a', value: 1 });
    expect(await cache.get('a', load(2))).toEqual({ id: 'a', value: 1 });
    expect(loads()).toBe(1);
  });

  it('reads through, and keeps nothing, while the listener is not current', async () => {
    const { listener, cache, load, loads } = setUp();
    await cache.get('a', load(1));
    listener.current = false;
    expect((await cache.get('a', load(2)))?.value).toBe(2);
    listener.current = true;
    // The held row was not replaced by the read-through one.
    expect((await cache.get('a', load(3)))?.value).toBe(1);
    expect(loads()).toBe(2);
  });

  it('drops a row on its notification, and everything on a resync', async () => {
    const { listener, cache, load } = setUp();
    await cache.get('a', load(1));
    listener.subscriber!.notify('a');
    expect((await cache.get('a', load(2)))?.value).toBe(2);
    listener.subscriber!.resync();
    expect(cache.size).toBe(0);
  });

  it('does not keep a row whose load overlapped a notification', async () => {
    const { listener, cache } = setUp();
    let finish!: (row: Row) => void;
    const pending = cache.get('a', () => new Promise<Row>((resolve) => (finish = resolve)));
    // The first get subscribes; the row changes while its (old) value is being read.
    await Promise.resolve();
    listener.subscriber!.notify('a');
    finish({ id: 'a', value: 1 });
    expect((await pending)?.value).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('finds entries by payload when keyed otherwise, and forgets evicted ones', async () => {
    const { listener, cache } = setUp((row) => row.id);
    await cache.get('hash-1', () => Promise.resolve({ id: 'client-1', value: 1 }));
    await cache.get('hash-2', () => Promise.resolve({ id: 'client-2', value: 2 }));
    listener.subscriber!.notify('client-1');
    expect(cache.size).toBe(1);
    // max 2: a third entry evicts the least recently used, and its index entry with it.
    await cache.get('hash-3', () => Promise.resolve({ id: 'client-3', value: 3 }));
    await cache.get('hash-4', () => Promise.resolve({ id: 'client-4', value: 4 }));
    listener.subscriber!.notify('client-2');
    expect(cache.size).toBe(2);
  });

  it('does not hold a missing row', async () => {
    const { cache } = setUp();
    expect(await cache.get('a', () => Promise.resolve(null))).toBeNull();
    expect(cache.size).toBe(0);
  });
});
