import fc from 'fast-check';
import type { RouteEntry } from '@keyhouse/testing';

/** Who sends a request: nobody, a forger, or one of the suite's real keys. */
export type CallerName = 'none' | 'forged' | 'malformed' | 'admin' | 'team' | 'reader';

export interface FuzzRequest {
  readonly method: string;
  /** Already percent-encoded, ASCII only (what goes on the request line). */
  readonly path: string;
  readonly caller: CallerName;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Ids and cursors the suite made, so some requests reach real rows. */
export interface KnownValues {
  readonly ids: readonly string[];
  readonly cursor: string;
}

/** Percent-encodes every byte but the unreserved ones; lone surrogates become U+FFFD. */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

const cursorOf = (createdAt: unknown, id: unknown): string =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

const SQL_AND_PATHS = [
  "' OR '1'='1",
  "1'; DROP TABLE api_clients; --",
  '$1',
  '../../etc/passwd',
  '..\\..\\windows',
  '%s%s%s%n',
  '${jndi:ldap://127.0.0.1/x}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'null',
  '-1',
  '0x10',
  '1e400',
];

const ODD_UNICODE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e',
  '\ufeff',
  '\uffff',
  '😀',
  'e\u0301',
  'ǅ',
  '\u200b',
  '\r\n',
];

/** A hostile string: SQL- and path-looking text, odd unicode, long runs, anything at all. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_AND_PATHS, ...ODD_UNICODE),
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'binary-ascii', maxLength: 24 }),
  fc.constantFrom(257, 600, 5_000).map((length) => 'x'.repeat(length)),
);

/** A path segment, already encoded: real ids, other UUIDs, broken escapes, hostile text. */
function pathSegment(known: KnownValues): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known.ids) },
    { weight: 2, arbitrary: fc.uuid() },
    fc.constantFrom(
      '%zz',
      '%',
      '%00',
      'a%00b',
      '%ED%A0%80',
      '%2e%2e%2f%2e%2e',
      '..',
      known.ids[0]?.toUpperCase() ?? 'X',
      'x'.repeat(600),
    ),
    { weight: 3, arbitrary: hostileString.map(percentEncode) },
  );
}

function queryValue(known: KnownValues): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .constantFrom(
        '0x10',
        '1e1',
        '-1',
        '0',
        '201',
        '50',
        '',
        ' 16',
        'NaN',
        known.cursor,
        `${known.cursor}x`,
        cursorOf('2024-01-01T00:00:00.000Z\u0000', known.ids[0]),
        cursorOf('garbage', known.ids[0]),
        'growth',
        'mesh',
        'active',
        'revoked',
      )
      .map(percentEncode),
    fc.constantFrom('%00', '%zz', '%ED%A0%80', '%C0%80'),
    hostileString.map(percentEncode),
  );
}

const QUERY_KEYS = [
  'limit',
  'cursor',
  'userId',
  'team',
  'provider',
  'status',
  'expiringWithinSeconds',
  'action',
  '__proto__',
  'limit[]',
  'a[b]',
];

function query(known: KnownValues): fc.Arbitrary<string> {
  const pair = fc.tuple(
    fc.oneof(fc.constantFrom(...QUERY_KEYS), hostileString.map(percentEncode)),
    queryValue(known),
  );
  const pairs = fc
    .array(pair, { minLength: 1, maxLength: 3 })
    .map((list) => `?${list.map(([key, value]) => `${key}=${value}`).join('&')}`);
  return fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 2, arbitrary: pairs });
}

/** Bodies close to what each route takes, so mutations get past the first checks. */
const BODY_TEMPLATES: Record<string, Record<string, unknown>> = {
  '/admin/clients': { name: 'fuzz', team: 'fuzz', scopes: ['tokens:read'], providers: ['mesh'] },
  '/v1/mesh/link-tokens': { userId: 'user-1' },
  '/v1/mesh/connections': { userId: 'user-1', payload: { accountTokens: [] } },
  '/v1/stream-chat/tokens': { userId: 'user-1', expiresInSeconds: 600 },
  '/v1/stream-chat/revocations': { userId: 'user-1', before: '2024-01-01T00:00:00.000Z' },
  '/v1/tpa-stream/connect-tokens': { userId: 'user-1' },
  '/v1/mydatahelps/participant-tokens': { participantId: 'participant-1' },
  '/v1/api-stream/access-tokens': { userId: 'user-1', role: 'VIEWER' },
};

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, -1, 0, 1e308, 2 ** 53 + 1, [], {}, true, '2024-13-45T99:99:99Z'),
);

function body(route: RouteEntry): fc.Arbitrary<string | undefined> {
  const template = BODY_TEMPLATES[route.path];
  const mutated = template
    ? fc
        .tuple(fc.constantFrom(...Object.keys(template), 'extra', '__proto__'), hostileJson)
        .map(([field, value]) => JSON.stringify({ ...template, [field]: value }))
    : fc.constant('{}');
  return fc.oneof(
    { weight: route.method === 'POST' ? 1 : 6, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant(JSON.stringify(template ?? {})) },
    { weight: 4, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    fc
      .integer({ min: 30, max: 20_000 })
      .map((depth) => `{"userId":${'['.repeat(depth)}${']'.repeat(depth)}}`),
    fc.constantFrom(
      '{"a":',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"admin":true}}}',
      '\ufeff{}',
      '1e999',
      '"\\ud800"',
      '{"name":"\\u0000"}',
      '',
    ),
    fc.string({ unit: 'binary', maxLength: 64 }),
  );
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/JSON',
  'application/json, text/html',
  '*/*',
  'application/vnd.api+json',
];

const ODD_HEADERS: Record<string, string>[] = [
  { 'x-request-id': '../../etc/passwd' },
  { 'x-request-id': 'x'.repeat(200) },
  { accept: 'text/html' },
  { 'accept-encoding': 'gzip, br, *' },
  { 'accept-version': '9.9.9' },
  { 'x-forwarded-for': '203.0.113.7' },
  { origin: 'https://evil.example' },
  { 'content-encoding': 'gzip' },
  { range: 'bytes=0-1' },
  { 'if-none-match': '*' },
  { cookie: 'session=' + 'a'.repeat(100) },
  { 'x-http-method-override': 'DELETE' },
];

const ODD_METHODS = [
  'PUT',
  'PATCH',
  'OPTIONS',
  'HEAD',
  'DELETE',
  'POST',
  'GET',
  'TRACE',
  'PROPFIND',
];

/** One hostile request against `route`. */
export function fuzzRequest(route: RouteEntry, known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const segment = pathSegment(known);
  const path = fc.array(segment, { minLength: 4, maxLength: 4 }).map((segments) => {
    let index = 0;
    return route.path.replace(/:[A-Za-z]+|\*/g, () => segments[index++] ?? 'x');
  });
  return fc
    .record({
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constant(route.method) },
        fc.constantFrom(...ODD_METHODS),
      ),
      path,
      query: query(known),
      caller: fc.constantFrom<CallerName>(
        'none',
        'forged',
        'malformed',
        'admin',
        'team',
        'team',
        'reader',
      ),
      body: body(route),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        fc.constantFrom(...CONTENT_TYPES),
      ),
      extraHeaders: fc.oneof(
        { weight: 3, arbitrary: fc.constant({}) },
        fc.constantFrom(...ODD_HEADERS),
      ),
    })
    .map(
      ({
        method,
        path: routePath,
        query: search,
        caller,
        body: text,
        contentType,
        extraHeaders,
      }) => ({
        method,
        path: `${routePath}${search}`,
        caller,
        headers:
          text === undefined ? extraHeaders : { ...extraHeaders, 'content-type': contentType },
        body: text,
      }),
    );
}
