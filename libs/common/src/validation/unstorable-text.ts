/** Keys named in an error as they are; any other key (long, odd) is not echoed back. */
const SAFE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The path of the first string (or object key) holding a NUL character, or undefined.
 * Postgres text cannot hold NUL, so such a value must be refused as input rather than fail
 * as a database error. Iterative: the value may be as deep as the body limit allows.
 */
export function findNul(value: unknown, root: string): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, path] = next;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) {
        return path;
      }
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push([item, `${path}[${index}]`]));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\u0000')) {
          return path;
        }
        pending.push([item, SAFE_KEY.test(key) ? `${path}.${key}` : path]);
      }
    }
  }
  return undefined;
}
