import type { AuditEventInput } from './audit-action';

/** An event as it was recorded: the time is taken when it happened, not when it is written. */
export interface TimedAuditEvent {
  readonly event: AuditEventInput;
  readonly at: Date;
}

export interface AuditBatcherOptions {
  /** Longest an event waits in memory before a write is started. */
  readonly flushMs: number;
  /** Events per INSERT; a full batch is written at once, without waiting for the timer. */
  readonly maxBatch: number;
  /**
   * Events held while the database is away. Past this, new events are dropped (and counted)
   * rather than letting memory grow without bound.
   */
  readonly maxBuffered: number;
  /** First wait after a failed write; doubles per failure, capped at 5 s. */
  readonly retryBaseMs: number;
}

export interface AuditBatcherHooks {
  write(events: readonly TimedAuditEvent[]): Promise<void>;
  onWriteFailed(error: unknown, events: number): void;
  onDropped(events: number): void;
}

const MAX_RETRY_MS = 5_000;

/**
 * Quiet audit events (token reads, refresh outcomes) go to the database in batches: one
 * multi-row INSERT at a time, at most `flushMs` after the first waiting event. A write that
 * fails is put back and retried with backoff, so a database blip delays the trail instead of
 * losing it. `writeAll()` writes everything still held, for a clean shutdown.
 */
export class AuditBatcher {
  private buffer: TimedAuditEvent[] = [];
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private failures = 0;

  constructor(
    private readonly options: AuditBatcherOptions,
    private readonly hooks: AuditBatcherHooks,
  ) {}

  /** Events waiting or being written. */
  get held(): number {
    return this.buffer.length;
  }

  add(event: AuditEventInput): void {
    if (this.buffer.length >= this.options.maxBuffered) {
      this.hooks.onDropped(1);
      return;
    }
    this.buffer.push({ event, at: new Date() });
    if (this.buffer.length >= this.options.maxBatch) {
      void this.startWriting();
    } else {
      this.schedule(this.options.flushMs);
    }
  }

  /** Writes everything held, retrying up to `attempts` failures; returns what is left unwritten. */
  async writeAll(attempts = 5): Promise<number> {
    this.clearTimer();
    let failuresLeft = attempts;
    while (this.buffer.length > 0 || this.writing) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      const before = this.failures;
      await this.startWriting(false);
      if (this.failures > before) {
        if (--failuresLeft <= 0) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs()));
      }
    }
    return this.buffer.length;
  }

  /** Starts a write unless one is under way; resolves when the write it started (if any) ends. */
  private startWriting(retryLater = true): Promise<void> {
    this.clearTimer();
    if (this.writing || this.buffer.length === 0) {
      return Promise.resolve();
    }
    const writing = this.writeBatches(retryLater).finally(() => {
      this.writing = undefined;
    });
    this.writing = writing;
    return writing;
  }

  /** Writes batches while full ones wait; a partial batch waits for its timer. */
  private async writeBatches(retryLater: boolean): Promise<void> {
    do {
      const batch = this.buffer.splice(0, this.options.maxBatch);
      try {
        await this.hooks.write(batch);
        this.failures = 0;
      } catch (error) {
        this.failures++;
        this.hooks.onWriteFailed(error, batch.length);
        this.putBack(batch);
        if (retryLater) {
          this.schedule(this.retryDelayMs());
        }
        return;
      }
    } while (this.buffer.length >= this.options.maxBatch || (!retryLater && this.buffer.length));
    if (this.buffer.length > 0) {
      this.schedule(this.options.flushMs);
    }
  }

  /** Back at the front, in order; what no longer fits is dropped, newest first. */
  private putBack(batch: TimedAuditEvent[]): void {
    const room = Math.max(0, this.options.maxBuffered - this.buffer.length);
    const kept = batch.slice(0, room);
    if (kept.length < batch.length) {
      this.hooks.onDropped(batch.length - kept.length);
    }
    this.buffer = [...kept, ...this.buffer];
  }

  private retryDelayMs(): number {
    return Math.min(MAX_RETRY_MS, this.options.retryBaseMs * 2 ** (this.failures - 1));
  }

  /** Unref'd: a pending flush never keeps a process alive (shutdown calls writeAll()). */
  private schedule(delayMs: number): void {
    this.timer ??= setTimeout(() => void this.startWriting(), delayMs).unref();
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
