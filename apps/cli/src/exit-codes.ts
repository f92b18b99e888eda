/** What `keyhouse` exits with, so scripts can tell failures apart (the README lists them). */
export const ExitCode = {
  Ok: 0,
  /** A bug in the CLI or an answer it could not read. */
  Internal: 1,
  /** Unknown command, missing argument, bad option value. */
  Usage: 2,
  /** KEYHOUSE_URL or KEYHOUSE_ADMIN_KEY missing or malformed. */
  Configuration: 3,
  /** The gateway did not answer (down, wrong URL, timeout). */
  Unreachable: 4,
  /** 401/403: the key is unknown, rotated, deleted, or not an admin key. */
  Unauthorized: 5,
  /** 404: no such client, credential or route. */
  NotFound: 6,
  /** 400/409/413/424: the request was refused as invalid or the state forbids it. */
  Refused: 7,
  /** 429/5xx: rate limited, the gateway or an upstream failed; retrying later may work. */
  Unavailable: 8,
  /** An operation ran and reported an error: a vault rotation, a failed integration check. */
  OperationFailed: 9,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) {
    return ExitCode.Unauthorized;
  }
  if (status === 404) {
    return ExitCode.NotFound;
  }
  if (status === 429 || status >= 500) {
    return ExitCode.Unavailable;
  }
  return status >= 400 ? ExitCode.Refused : ExitCode.Internal;
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  internal error (an answer the CLI could not read)
  2  usage: unknown command, missing argument, bad option
  3  configuration: KEYHOUSE_URL or KEYHOUSE_ADMIN_KEY missing or malformed
  4  the gateway is unreachable
  5  the key is unknown or not an admin key (401/403)
  6  not found (404)
  7  refused: invalid request or a state that forbids it (400/409/413/424)
  8  unavailable: rate limited, gateway or upstream failure (429/5xx)
  9  an operation finished with an error (vault rotation, a failed integration check)`;
