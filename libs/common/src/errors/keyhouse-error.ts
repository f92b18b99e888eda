import type { ProblemCode } from './problem-code';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface KeyhouseErrorOptions {
  readonly errors?: readonly FieldError[];
  /** Seconds the caller should wait, sent as Retry-After. */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
  /** Set when operators must act (e.g. an upstream refused Keyhouse's own keys): logged as an error. */
  readonly incident?: string;
}

/**
 * The base of every error Keyhouse raises on purpose. Each lib subclasses it with its own
 * code enum and maps that enum to a public `ProblemCode`; the global filter turns it into
 * problem+json. `detail` is shown to callers, so it must never hold a token or a key.
 */
export abstract class KeyhouseError extends Error {
  abstract readonly problemCode: ProblemCode;
  readonly errors?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
  readonly incident?: string;

  protected constructor(detail: string, options: KeyhouseErrorOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = new.target.name;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.incident = options.incident;
  }
}
