/** Keys named in an error as they are; any other key (long, odd) is not echoed back. */
const SAFE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What Postgres text cannot hold as given: NUL (refused, a database error), and an unpaired
 * UTF-16 surrogate (JSON can carry one as `\ud800`; the driver encodes it as U+FFFD, so the
 * stored value would differ from the one used, e.g. to bind a credential's ciphertext to
 * its user, and the credential could never be opened). With the u flag, \p{Cs} matches
 * only a surrogate that is not half of a pair.
 */
const UNPAIRED_SURROGATE = /\p{Cs}/u;

function isUnstorable(text: string): boolean {
  return text.includes('\u0000') || UNPAIRED_SURROGATE.test(text);
}

export const UNSTORABLE_TEXT = 'must not contain NUL characters or unpaired surrogates';

/**
 * The path of the first string (or object key) holding a character Postgres text cannot
 * store faithfully, or undefined; such a value must be refused as input rather than fail
 * as a database error or be stored altered. Iterative: the value may be as deep as the body
 * limit allows.
 */
export function findUnstorableText(value: unknown, root: string): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, path] = next;
    if (typeof current === 'string') {
      if (isUnstorable(current)) {
        return path;
      }
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push([item, `${path}[${index}]`]));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        if (isUnstorable(key)) {
          return path;
        }
        pending.push([item, SAFE_KEY.test(key) ? `${path}.${key}` : path]);
      }
    }
  }
  return undefined;
}
