import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares secrets without leaking their length or prefix through timing. */
export function secretsMatch(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) {
    return false;
  }
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
