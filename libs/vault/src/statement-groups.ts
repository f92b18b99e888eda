interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

export interface StatementGroupOptions<T> {
  /** The most items one statement carries. */
  readonly maxSize: number;
  /** Statements sent and not yet answered at one time; what arrives meanwhile waits for one. */
  readonly maxInFlight: number;
  /**
   * A statement unanswered this long (a stalled connection) stops holding its place, so the
   * items behind it go out on another connection instead of waiting for it.
   */
  readonly stallMs: number;
  /** Two items with the same key never share a statement (one UPDATE row each). */
  readonly keyOf: (item: T) => string;
}

/**
 * Gathers single writes into one statement per group. An item goes out at once when a
 * statement slot is free (after the current turn of the event loop, so items that arrive
 * together travel together); while the slots are busy, items wait and leave as one group
 * when a slot frees. So the groups grow with the load and a lone write waits for nothing.
 * Each item settles only when its own group's statement has answered: with its result, or
 * with the statement's error (every item of that group then fails, and its caller retries).
 */
export class StatementGroups<T, R> {
  private pending: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: (items: readonly T[]) => Promise<readonly R[]>,
    private readonly options: StatementGroupOptions<T>,
  ) {}

  /** Items waiting for a statement (for tests that hold the statements in flight). */
  get waiting(): number {
    return this.pending.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.inFlight >= this.options.maxInFlight) {
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.pending.length > 0 && this.inFlight < this.options.maxInFlight) {
        void this.send(this.nextGroup());
      }
    });
  }

  /** The oldest items, at most maxSize, one per key; the rest keep their place in line. */
  private nextGroup(): Pending<T, R>[] {
    const group: Pending<T, R>[] = [];
    const keys = new Set<string>();
    const rest: Pending<T, R>[] = [];
    for (const entry of this.pending) {
      const key = this.options.keyOf(entry.item);
      if (group.length < this.options.maxSize && !keys.has(key)) {
        keys.add(key);
        group.push(entry);
      } else {
        rest.push(entry);
      }
    }
    this.pending = rest;
    return group;
  }

  private async send(group: readonly Pending<T, R>[]): Promise<void> {
    this.inFlight++;
    let holdsSlot = true;
    const freeSlot = () => {
      if (holdsSlot) {
        holdsSlot = false;
        this.inFlight--;
        this.schedule();
      }
    };
    const stall = setTimeout(freeSlot, this.options.stallMs);
    stall.unref();
    try {
      const results = await this.write(group.map((entry) => entry.item));
      group.forEach((entry, index) => entry.resolve(results[index]));
    } catch (error) {
      for (const entry of group) {
        entry.reject(error);
      }
    } finally {
      clearTimeout(stall);
      freeSlot();
    }
  }
}
