/**
 * Redaction happens here, at the logger, never at each call site. Two layers:
 * 1. structured paths: any field with a secret-bearing name is replaced before serialising;
 * 2. a last pass over every serialised line masks anything shaped like a Keyhouse key or a
 *    JWT, so a token that slipped into a message or an error still never reaches the log.
 */
export const REDACTED = '[redacted]';

const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'cookie',
  'apiKey',
  'api_key',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'token',
  'linkToken',
  'connectAccessToken',
  'secret',
  'clientSecret',
  'client_secret',
  'client_assertion',
  'connect_secret_key',
  'password',
  'privateKey',
  'key',
  'keys',
];

export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-client-secret"]',
  'res.headers["set-cookie"]',
  'res.headers.authorization',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_FIELDS.map((field) => `*.*.${field}`),
];

const SECRET_SHAPES: RegExp[] = [
  // Keyhouse API keys: kh_live_..., kh_dev_...
  /\bkh_[a-z]+_[A-Za-z0-9_-]{16,}/g,
  // JWTs (three base64url segments, the first a JSON header).
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // "Bearer <anything>" wherever it appears in free text.
  /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // PEM private key bodies.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

export function maskSecrets(line: string): string {
  let masked = line;
  for (const shape of SECRET_SHAPES) {
    masked = masked.replace(shape, (_match, bearer?: string) =>
      typeof bearer === 'string' && /^bearer$/i.test(bearer) ? `${bearer} ${REDACTED}` : REDACTED,
    );
  }
  return masked;
}
