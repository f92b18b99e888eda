import type { ExitCode } from './exit-codes';

/** A failure the CLI explains: what went wrong, what to do, and the exit code that says which. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly detail: string,
    readonly hint: string,
    readonly problem?: Record<string, unknown>,
  ) {
    super(detail);
  }
}
