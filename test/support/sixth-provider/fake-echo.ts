import { randomBytes } from 'node:crypto';
import { type JwtPayload, sign, verify } from 'jsonwebtoken';
import {
  type FakeOptions,
  type FakeRequest,
  type FakeResponse,
  FakeServer,
  hasContentType,
  parseJsonObject,
  type Route,
  secretsMatch,
} from '@keyhouse/sandbox';

export const ECHO_TOKEN_PATH = '/v1/tokens';
export const ECHO_TOKEN_SECONDS = 600;

export interface FakeEchoOptions extends FakeOptions {
  readonly keyId?: string;
  readonly keySecret?: string;
}

/**
 * Echo's whole upstream: POST /v1/tokens with the key id and secret in headers and
 * {"user"} in the body answers {"token", "expiresIn"}, a JWT it signs with a key of its own.
 */
export class FakeEcho extends FakeServer {
  readonly keyId: string;
  readonly keySecret: string;
  private readonly signingKey = randomBytes(32).toString('base64url');

  constructor(options: FakeEchoOptions = {}) {
    super('FakeEcho', options);
    this.keyId = options.keyId ?? 'sandbox-echo-key';
    this.keySecret = options.keySecret ?? 'sandbox-echo-secret-0123456789';
  }

  /** The claims of a token this fake signed and that has not expired, else undefined. */
  verify(token: string): JwtPayload | undefined {
    try {
      const payload = verify(token, this.signingKey, { algorithms: ['HS256'] });
      return typeof payload === 'string' ? undefined : payload;
    } catch {
      return undefined;
    }
  }

  protected override routes(): readonly Route[] {
    return [{ path: ECHO_TOKEN_PATH, methods: { POST: (request) => this.mint(request) } }];
  }

  protected override errorResponse(status: number, message: string): FakeResponse {
    return { status, json: { error: message } };
  }

  private mint(request: FakeRequest): FakeResponse {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (request.headers['x-echo-key-id'] !== this.keyId || !secretsMatch(bearer, this.keySecret)) {
      return this.errorResponse(401, 'unknown key');
    }
    const body = hasContentType(request, 'application/json')
      ? parseJsonObject(request.rawBody)
      : undefined;
    if (typeof body?.user !== 'string' || body.user === '') {
      return this.errorResponse(400, 'body must be {"user": "..."}');
    }
    const iat = this.nowSeconds();
    const token = sign({ sub: body.user, iat, exp: iat + ECHO_TOKEN_SECONDS }, this.signingKey, {
      algorithm: 'HS256',
    });
    return { status: 200, json: { token, expiresIn: ECHO_TOKEN_SECONDS } };
  }
}
