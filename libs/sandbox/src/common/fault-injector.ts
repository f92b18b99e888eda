import type { RecordedRequest } from './fake-http';

export interface FailNextOptions {
  readonly times?: number;
  readonly status: number;
  /** An object is sent as JSON, a string as text; omitted, the provider's own error body. */
  readonly body?: string | object;
  readonly headers?: Readonly<Record<string, string>>;
  /** Only requests to exactly this path; omitted, any request. */
  readonly path?: string;
}

export interface HangNextOptions {
  readonly times?: number;
  readonly ms: number;
  readonly path?: string;
}

/** A failure to answer with instead of the real logic. */
export interface InjectedFailure {
  readonly status: number;
  readonly body?: string | object;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Lets a fake narrow a rule beyond the path (e.g. MyDataHelps limits by grant type). */
export type RequestMatcher = (request: RecordedRequest) => boolean;

interface Rule<T> {
  remaining: number;
  readonly path?: string;
  readonly match?: RequestMatcher;
  readonly value: T;
}

/**
 * Failures, hangs and fixed latency that a test arms ahead of time. Rules are taken when a
 * request arrives, first armed first served, so concurrent requests get them in arrival order.
 */
export class FaultInjector {
  private failures: Rule<InjectedFailure>[] = [];
  private hangs: Rule<number>[] = [];
  private latencyMs = 0;

  failNext(options: FailNextOptions, match?: RequestMatcher): void {
    if (!Number.isInteger(options.status) || options.status < 100 || options.status > 599) {
      throw new RangeError(`failNext: status must be an HTTP status, got ${options.status}`);
    }
    const { status, body, headers } = options;
    this.failures.push(this.rule(options.times, options.path, match, { status, body, headers }));
  }

  hangNext(options: HangNextOptions): void {
    this.hangs.push(this.rule(options.times, options.path, undefined, checkedMs(options.ms)));
  }

  setLatency(ms: number): void {
    this.latencyMs = checkedMs(ms);
  }

  /** The delay before this request is answered: the fixed latency plus a hang, if one matches. */
  takeDelay(request: RecordedRequest): number {
    return this.latencyMs + (take(this.hangs, request) ?? 0);
  }

  takeFailure(request: RecordedRequest): InjectedFailure | undefined {
    return take(this.failures, request);
  }

  reset(): void {
    this.failures = [];
    this.hangs = [];
    this.latencyMs = 0;
  }

  private rule<T>(
    times: number | undefined = 1,
    path: string | undefined,
    match: RequestMatcher | undefined,
    value: T,
  ): Rule<T> {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive integer, got ${times}`);
    }
    return { remaining: times, path, match, value };
  }
}

function take<T>(rules: Rule<T>[], request: RecordedRequest): T | undefined {
  const rule = rules.find(
    (candidate) =>
      (candidate.path === undefined || candidate.path === request.path) &&
      (candidate.match === undefined || candidate.match(request)),
  );
  if (rule === undefined) {
    return undefined;
  }
  rule.remaining -= 1;
  if (rule.remaining === 0) {
    rules.splice(rules.indexOf(rule), 1);
  }
  return rule.value;
}

function checkedMs(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`ms must be a non-negative number, got ${ms}`);
  }
  return ms;
}
