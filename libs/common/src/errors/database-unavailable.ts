/** Postgres SQLSTATE classes and driver errors that mean "the database is not reachable right now". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is not established',
  'the database system is starting up',
  'the database system is shutting down',
];

/**
 * True when an error from TypeORM or pg means the database is down or restarting, so the
 * caller gets 503 `unavailable` (retry later) rather than a 500 (a bug).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') {
      return false;
    }
    const candidate = current as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (
      UNAVAILABLE_SQLSTATES.has(code) ||
      UNAVAILABLE_NETWORK_CODES.has(code) ||
      code.startsWith('08')
    ) {
      return true;
    }
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    if (UNAVAILABLE_MESSAGES.some((fragment) => message.includes(fragment))) {
      return true;
    }
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}
