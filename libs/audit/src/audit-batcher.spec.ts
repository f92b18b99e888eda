import { systemActor } from './actor';
import type { AuditEventInput } from './audit-action';
import { AuditBatcher, type AuditBatcherOptions, type TimedAuditEvent } from './audit-batcher';

const event = (team: string): AuditEventInput => ({
  action: 'credential.read',
  actor: systemActor('batcher-spec'),
  team,
});

/** A stand-in database: records each batch, and refuses while `down` is set. */
function sink() {
  const batches: string[][] = [];
  const state = { down: false, dropped: 0, failures: 0 };
  return {
    batches,
    state,
    hooks: {
      write: async (events: readonly TimedAuditEvent[]) => {
        await Promise.resolve();
        if (state.down) {
          throw new Error('database is away');
        }
        batches.push(events.map((timed) => timed.event.team ?? ''));
      },
      onWriteFailed: () => void state.failures++,
      onDropped: (count: number) => void (state.dropped += count),
    },
  };
}

const options: AuditBatcherOptions = { flushMs: 5, maxBatch: 3, maxBuffered: 5, retryBaseMs: 1 };

const until = async (condition: () => boolean) => {
  for (let round = 0; round < 500 && !condition(); round++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  expect(condition()).toBe(true);
};

describe('AuditBatcher', () => {
  it('writes a full batch at once and the rest after the flush interval, in order', async () => {
    const { batches, hooks } = sink();
    const batcher = new AuditBatcher({ ...options, maxBuffered: 100 }, hooks);
    for (const team of ['a', 'b', 'c', 'd']) {
      batcher.add(event(team));
    }
    await until(() => batches.flat().length === 4);
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('keeps a failed batch and writes it once the database is back', async () => {
    const { batches, hooks, state } = sink();
    state.down = true;
    const batcher = new AuditBatcher(options, hooks);
    batcher.add(event('a'));
    batcher.add(event('b'));
    await until(() => state.failures >= 2);
    expect(batcher.held).toBe(2);
    state.down = false;
    await until(() => batches.length === 1);
    expect(batches).toEqual([['a', 'b']]);
  });

  it('drops what exceeds its bound while the database is away, and counts it', async () => {
    const { hooks, state } = sink();
    state.down = true;
    const batcher = new AuditBatcher(options, hooks);
    for (let index = 0; index < 8; index++) {
      batcher.add(event(String(index)));
    }
    await until(() => state.failures >= 1);
    expect(batcher.held).toBeLessThanOrEqual(5);
    expect(state.dropped).toBe(8 - batcher.held);
    expect(await batcher.writeAll(2)).toBe(batcher.held);
  });

  it('writeAll() writes everything held without waiting for the timer', async () => {
    const { batches, hooks } = sink();
    const batcher = new AuditBatcher({ ...options, flushMs: 60_000, maxBuffered: 100 }, hooks);
    for (const team of ['a', 'b', 'c', 'd', 'e']) {
      batcher.add(event(team));
    }
    expect(await batcher.writeAll()).toBe(0);
    expect(batches.flat()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
