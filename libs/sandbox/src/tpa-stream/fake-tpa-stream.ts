import { randomUUID } from 'node:crypto';
import { sign, verify } from 'jsonwebtoken';
import { secretsMatch } from '../common/constant-time';
import type { FakeOptions, FakeRequest, FakeResponse, Route } from '../common/fake-http';
import { FakeServer } from '../common/fake-server';
import { opaqueToken } from '../common/random-token';
import {
  hasContentType,
  isNonEmptyString,
  parseJsonObject,
  unknownKeys,
} from '../common/request-body';

export const TPA_STREAM_CONNECT_TOKEN_PATH = '/api/create-connect-token';

export interface FakeTpaStreamOptions extends FakeOptions {
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly lifetimeSeconds?: number;
  /** Answer with an opaque string instead of a JWT (the client must then assume one hour). */
  readonly opaqueTokens?: boolean;
}

export interface TpaConnectTokenClaims {
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

const BODY_FIELDS = ['connect_access_key', 'connect_secret_key'] as const;

/** TPA Stream's connect-token endpoint: two keys in, a one-hour connect access token out. */
export class FakeTpaStream extends FakeServer {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly lifetimeSeconds: number;
  readonly opaqueTokens: boolean;
  /** Tokens issued since construction or the last reset(). */
  issuedCount = 0;
  // The fake's own signing secret: nobody outside needs it, verify() checks tokens.
  private readonly signingSecret = opaqueToken(32);
  private readonly issued = new Map<string, TpaConnectTokenClaims>();

  constructor(options: FakeTpaStreamOptions = {}) {
    super('FakeTpaStream', options);
    this.accessKey = options.accessKey ?? 'sandbox-tpa-access-key';
    this.secretKey = options.secretKey ?? 'sandbox-tpa-secret-key';
    this.lifetimeSeconds = options.lifetimeSeconds ?? 3600;
    this.opaqueTokens = options.opaqueTokens ?? false;
  }

  /** The claims of a token this fake issued and that has not expired, else undefined. */
  verify(token: string): TpaConnectTokenClaims | undefined {
    const claims = this.issued.get(token);
    if (claims === undefined || claims.exp <= this.nowSeconds()) {
      return undefined;
    }
    if (!this.opaqueTokens) {
      try {
        verify(token, this.signingSecret, {
          algorithms: ['HS256'],
          clockTimestamp: this.nowSeconds(),
        });
      } catch {
        return undefined;
      }
    }
    return claims;
  }

  protected override routes(): readonly Route[] {
    return [{ path: TPA_STREAM_CONNECT_TOKEN_PATH, methods: { POST: (r) => this.createToken(r) } }];
  }

  protected override errorResponse(status: number, message: string): FakeResponse {
    // TPA Stream's error bodies are not published; a short snake_case code is the guess.
    const codes: Record<number, string> = {
      400: 'bad_request',
      401: 'invalid_credentials',
      403: 'forbidden',
      404: 'not_found',
      405: 'method_not_allowed',
      413: 'payload_too_large',
      415: 'unsupported_media_type',
      429: 'rate_limited',
    };
    return { status, json: { error: codes[status] ?? 'server_error', message } };
  }

  protected override resetCounters(): void {
    this.issuedCount = 0;
  }

  private createToken(request: FakeRequest): FakeResponse {
    if (!hasContentType(request, 'application/json')) {
      return this.errorResponse(415, 'Content-Type must be application/json');
    }
    const body = parseJsonObject(request.rawBody);
    if (
      body === undefined ||
      unknownKeys(body, BODY_FIELDS).length > 0 ||
      !BODY_FIELDS.every((field) => isNonEmptyString(body[field]))
    ) {
      return { status: 400, json: { error: 'bad_request' } };
    }
    const accessOk = secretsMatch(body.connect_access_key as string, this.accessKey);
    const secretOk = secretsMatch(body.connect_secret_key as string, this.secretKey);
    if (!accessOk || !secretOk) {
      return { status: 401, json: { error: 'invalid_credentials' } };
    }
    return { status: 200, json: { data: this.issue() } };
  }

  private issue(): string {
    const iat = this.nowSeconds();
    const claims: TpaConnectTokenClaims = {
      sub: this.accessKey,
      iat,
      exp: iat + this.lifetimeSeconds,
      jti: randomUUID(),
    };
    const token = this.opaqueTokens
      ? opaqueToken(32)
      : sign({ ...claims }, this.signingSecret, { algorithm: 'HS256' });
    this.issued.set(token, claims);
    this.issuedCount += 1;
    return token;
  }
}
