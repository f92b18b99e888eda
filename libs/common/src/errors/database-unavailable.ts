import { errorChain } from './error-chain';

/**
 * Postgres SQLSTATEs and driver errors that mean "the database cannot serve right now": down,
 * restarting, out of connections, or too slow (a statement or lock wait cut short by
 * statement_timeout / lock_timeout, an idle transaction ended by the server).
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
]);
const UNAVAILABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Query read timeout',
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
  for (const candidate of errorChain(error)) {
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
  }
  return false;
}
