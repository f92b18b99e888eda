/**
 * The total time one upstream call may take, as an abort signal, cleared as soon as the call
 * is over. AbortSignal.timeout() cannot be cleared: its timer, a WeakRef and a finalization
 * registration stayed alive for the whole timeout after every call (10 s by default, so
 * thousands of them in a busy worker, each firing later for a call long finished).
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.controller.abort(new DOMException('the upstream call timed out', 'TimeoutError'));
    }, ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
