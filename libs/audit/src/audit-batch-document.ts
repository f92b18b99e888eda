/** A lone surrogate escape in the JSON: `\\udXXX` (a well-formed pair is written as is). */
const LONE_SURROGATE = /\\ud[89a-f][0-9a-f]{2}/i;

/**
 * Audit rows as one JSON document for a batched insert. JSON.stringify writes an unpaired
 * surrogate as an escape Postgres refuses, which would fail the whole batch. Input is
 * refused before it gets here, but an event may carry text from an upstream's answer; such
 * strings are written as UTF-8 encodes them (U+FFFD), as a text parameter would be.
 */
export function batchDocument(rows: readonly object[]): string {
  const document = JSON.stringify(rows);
  // The substring search first: it is a plain scan, and almost every batch has no escape.
  if (!document.includes('\\ud') || !LONE_SURROGATE.test(document)) {
    return document;
  }
  return JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === 'string' ? Buffer.from(value, 'utf8').toString('utf8') : value,
  );
}
