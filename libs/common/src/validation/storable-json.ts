/**
 * In JSON text, what Postgres refuses in jsonb, and in a json field read as text: `\u0000`
 * and a lone surrogate escape (JSON.stringify escapes an unpaired surrogate and writes a
 * well-formed pair as it is).
 */
const REFUSED_ESCAPE = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

/**
 * JSON text for a jsonb column, or for a document read into columns (json_to_recordset).
 * Input is refused before it gets this far, but a value may carry text from an upstream's
 * answer (an account's name), and one NUL in it would fail the whole statement: a batch of
 * audit rows, or the write that stores a refreshed token. Such characters are written as
 * U+FFFD instead, in keys too, as a text parameter's UTF-8 encoding writes an unpaired
 * surrogate.
 */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  // The plain substring search first: almost no document has an escape at all.
  if (json === undefined || !json.includes('\\u') || !REFUSED_ESCAPE.test(json)) {
    return json;
  }
  return JSON.stringify(storable(value));
}

/** NUL and unpaired surrogates as U+FFFD. */
export function storableText(text: string): string {
  return Buffer.from(text.replaceAll('\u0000', '\ufffd'), 'utf8').toString('utf8');
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') {
    return storableText(value);
  }
  if (Array.isArray(value)) {
    return value.map(storable);
  }
  if (typeof value === 'object' && value !== null && !isSerialisedAsItself(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [storableText(key), storable(item)]),
    );
  }
  return value;
}

/** Values whose JSON comes from their own toJSON (a Date): left for JSON.stringify to write. */
function isSerialisedAsItself(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
