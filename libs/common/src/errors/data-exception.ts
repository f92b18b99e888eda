/**
 * True when Postgres refused a statement for the values it carries (SQLSTATE class 22, data
 * exception: a value too long for its column, a NUL, text that is not valid for its type).
 * Unlike an outage, running the same statement again is refused again, so a caller that
 * retries until a deadline should stop at once.
 */
export function isDataException(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') {
      return false;
    }
    const candidate = current as { code?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^22[0-9A-Z]{3}$/.test(candidate.code)) {
      return true;
    }
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}
