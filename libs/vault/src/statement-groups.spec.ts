import { StatementGroups } from './statement-groups';

interface Item {
  readonly id: string;
}

/** A statement that answers when told to, recording the groups it was sent. */
function controlledWrite() {
  const sent: string[][] = [];
  const answers: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const write = (items: readonly Item[]) => {
    sent.push(items.map((item) => item.id));
    return new Promise<string[]>((resolve, reject) => {
      answers.push({ resolve: () => resolve(items.map((item) => `wrote ${item.id}`)), reject });
    });
  };
  return { sent, answers, write };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

function groups(write: (items: readonly Item[]) => Promise<string[]>, stallMs = 60_000) {
  return new StatementGroups<Item, string>(write, {
    maxSize: 3,
    maxInFlight: 1,
    stallMs,
    keyOf: (item) => item.id,
  });
}

describe('StatementGroups', () => {
  it('sends a lone item at once, and what arrives meanwhile as one group when the slot frees', async () => {
    const statement = controlledWrite();
    const grouped = groups(statement.write);
    const first = grouped.submit({ id: 'a' });
    await turn();
    expect(statement.sent).toEqual([['a']]);
    const later = [grouped.submit({ id: 'b' }), grouped.submit({ id: 'c' })];
    await turn();
    expect(statement.sent).toEqual([['a']]);
    statement.answers[0].resolve();
    await expect(first).resolves.toBe('wrote a');
    await turn();
    expect(statement.sent).toEqual([['a'], ['b', 'c']]);
    statement.answers[1].resolve();
    await expect(Promise.all(later)).resolves.toEqual(['wrote b', 'wrote c']);
  });

  it('caps a group at maxSize and never puts one key twice in a statement', async () => {
    const statement = controlledWrite();
    const grouped = groups(statement.write);
    const blocker = grouped.submit({ id: 'x' });
    await turn();
    const rest = ['a', 'a', 'b', 'c', 'd'].map((id) => grouped.submit({ id }));
    statement.answers[0].resolve();
    await blocker;
    await turn();
    statement.answers[1].resolve();
    await turn();
    await turn();
    statement.answers[2].resolve();
    await Promise.all(rest);
    expect(statement.sent).toEqual([['x'], ['a', 'b', 'c'], ['a', 'd']]);
  });

  it("fails every item of a statement that failed, and only that statement's", async () => {
    const statement = controlledWrite();
    const grouped = groups(statement.write);
    const first = grouped.submit({ id: 'a' });
    await turn();
    const second = grouped.submit({ id: 'b' });
    statement.answers[0].reject(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await turn();
    statement.answers[1].resolve();
    await expect(second).resolves.toBe('wrote b');
  });

  it('lets the items behind a stalled statement go out without it', async () => {
    const statement = controlledWrite();
    const grouped = groups(statement.write, 20);
    void grouped.submit({ id: 'stuck' });
    await turn();
    const behind = grouped.submit({ id: 'b' });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(statement.sent).toEqual([['stuck'], ['b']]);
    statement.answers[1].resolve();
    await expect(behind).resolves.toBe('wrote b');
  });
});
