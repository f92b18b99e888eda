/**
 * An error and what it wraps, outermost first: TypeORM keeps pg's error as `driverError`,
 * other layers as `cause`. At most five deep, so a cycle cannot hold a caller.
 */
export function* errorChain(error: unknown): Generator<Record<string, unknown>> {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') {
      return;
    }
    const candidate = current as Record<string, unknown>;
    yield candidate;
    current = candidate.driverError ?? candidate.cause;
  }
}
