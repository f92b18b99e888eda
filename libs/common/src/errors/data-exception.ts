import { errorChain } from './error-chain';

/** SQLSTATE class 22. */
const DATA_EXCEPTION = /^22[0-9A-Z]{3}$/;

/**
 * True when Postgres refused a statement for the values it carries (SQLSTATE class 22, data
 * exception: a value too long for its column, a NUL, text that is not valid for its type).
 * Unlike an outage, running the same statement again is refused again, so a caller that
 * retries until a deadline should stop at once.
 */
export function isDataException(error: unknown): boolean {
  for (const candidate of errorChain(error)) {
    if (typeof candidate.code === 'string' && DATA_EXCEPTION.test(candidate.code)) {
      return true;
    }
  }
  return false;
}
