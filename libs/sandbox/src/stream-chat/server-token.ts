import { type JwtPayload, NotBeforeError, TokenExpiredError, verify } from 'jsonwebtoken';
import type { FakeRequest, FakeResponse } from '../common/fake-http';
import { secretsMatch } from '../common/constant-time';
import { StreamChatCode, streamChatError } from './stream-chat-errors';

/** Stream tolerates a little clock skew on `iat` before calling the date incorrect. */
const IAT_SKEW_SECONDS = 5;

/**
 * Checks a server-side REST call's authentication the way Stream does: the api_key query
 * parameter, `stream-auth-type: jwt`, and a raw (not "Bearer") HS256 JWT with `server: true`.
 * Returns the error to answer with, or undefined when the call is authenticated.
 */
export interface ServerAuth {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly nowSeconds: number;
}

export function checkServerAuth(
  request: FakeRequest,
  { apiKey, apiSecret, nowSeconds }: ServerAuth,
): FakeResponse | undefined {
  const keys = request.searchParams.getAll('api_key');
  if (keys.length !== 1 || !secretsMatch(keys[0], apiKey)) {
    return streamChatError(401, StreamChatCode.AccessKey, 'api_key not found');
  }
  if (request.headers['stream-auth-type'] !== 'jwt') {
    return authError('stream-auth-type header must be "jwt"');
  }
  const token = request.headers.authorization;
  if (token === undefined || token === '') {
    return authError('Authorization header is missing');
  }
  // The real API reads the header as the JWT itself, so a "Bearer " prefix is a broken token.
  if (/^bearer\s/i.test(token)) {
    return authError('JWTAuth error: token is malformed (send the raw JWT, without "Bearer ")');
  }
  let payload: JwtPayload;
  try {
    const verified = verify(token, apiSecret, {
      algorithms: ['HS256'],
      clockTimestamp: nowSeconds,
    });
    if (typeof verified === 'string') {
      return authError('JWTAuth error: token payload is not a JSON object');
    }
    payload = verified;
  } catch (error) {
    return tokenError(error);
  }
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + IAT_SKEW_SECONDS) {
    return streamChatError(
      401,
      StreamChatCode.TokenDateIncorrect,
      'JWTAuth error: token used before issue at (iat)',
    );
  }
  if (payload.server !== true) {
    return streamChatError(
      403,
      StreamChatCode.NotAllowed,
      'this request requires a server-side token',
    );
  }
  return undefined;
}

function tokenError(error: unknown): FakeResponse {
  if (error instanceof TokenExpiredError) {
    return streamChatError(401, StreamChatCode.TokenExpired, 'JWTAuth error: token has expired');
  }
  if (error instanceof NotBeforeError) {
    return streamChatError(
      401,
      StreamChatCode.TokenNotValidYet,
      'JWTAuth error: token is not valid yet',
    );
  }
  if (error instanceof Error && error.message === 'invalid signature') {
    return streamChatError(
      401,
      StreamChatCode.TokenSignatureInvalid,
      'JWTAuth error: signature is not valid. Make sure the token is created using the secret for this API key',
    );
  }
  return authError('JWTAuth error: token is malformed');
}

function authError(message: string): FakeResponse {
  return streamChatError(401, StreamChatCode.Authentication, message);
}
