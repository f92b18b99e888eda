import { randomUUID } from 'node:crypto';
import { type JwtPayload, sign, verify } from 'jsonwebtoken';
import { secretsMatch } from '../common/constant-time';
import type { FakeOptions, FakeRequest, FakeResponse, Route } from '../common/fake-http';
import { FakeServer } from '../common/fake-server';
import { opaqueToken } from '../common/random-token';
import { hasContentType, type JsonObject, parseJsonObject } from '../common/request-body';
import { type ApiStreamRole, parseCreateTokenRequest } from './create-token-request';
import { GrpcCode, grpcError } from './grpc-status';

export const API_STREAM_TOKEN_PATH = '/live/v2/authentication/token';

/** "Intentionally limited in capability, duration, and scope": our reading of it. */
const DEVELOPMENT_MAX_DURATION_MS = 3_600_000;
const DEVELOPMENT_ROLES: readonly ApiStreamRole[] = ['ROLE_GUEST', 'ROLE_VIEWER'];

export interface FakeApiStreamOptions extends FakeOptions {
  readonly apiKey?: string;
  /** Also accepted; its tokens are marked `dev`, capped at an hour, GUEST/VIEWER only. */
  readonly developmentApiKey?: string;
}

export interface ApiStreamClaims {
  readonly sub: string;
  readonly role: ApiStreamRole;
  readonly displayName?: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly dev?: true;
}

/** api.stream's CreateAccessToken and its refresh (new token in the response header). */
export class FakeApiStream extends FakeServer {
  readonly apiKey: string;
  readonly developmentApiKey: string;
  createCount = 0;
  refreshCount = 0;
  private readonly signingSecret = opaqueToken(32);
  private readonly issued = new Set<string>();
  private readonly revoked = new Set<string>();

  constructor(options: FakeApiStreamOptions = {}) {
    super('FakeApiStream', options);
    this.apiKey = options.apiKey ?? 'sandbox-api-stream-key';
    this.developmentApiKey = options.developmentApiKey ?? 'sandbox-api-stream-development-key';
  }

  /** The claims of a token this fake signed, expired or not; undefined for anything else. */
  decode(token: string): ApiStreamClaims | undefined {
    let payload: JwtPayload | string;
    try {
      payload = verify(token, this.signingSecret, {
        algorithms: ['HS256'],
        ignoreExpiration: true,
      });
    } catch {
      return undefined;
    }
    return typeof payload === 'string' || !this.issued.has(payload.jti ?? '')
      ? undefined
      : (payload as ApiStreamClaims);
  }

  /** Issued here, unexpired and not revoked. */
  isTokenValid(token: string): boolean {
    const claims = this.decode(token);
    return claims !== undefined && claims.exp > this.nowSeconds() && !this.revoked.has(claims.jti);
  }

  revoke(token: string): void {
    const claims = this.decode(token);
    if (claims !== undefined) {
      this.revoked.add(claims.jti);
    }
  }

  protected override routes(): readonly Route[] {
    return [
      {
        path: API_STREAM_TOKEN_PATH,
        methods: { POST: (r) => this.create(r), PUT: (r) => this.refresh(r) },
      },
    ];
  }

  protected override errorResponse(status: number, message: string): FakeResponse {
    return grpcError(status, message);
  }

  protected override resetCounters(): void {
    this.createCount = 0;
    this.refreshCount = 0;
  }

  private create(request: FakeRequest): FakeResponse {
    const key = request.headers['x-api-key'];
    const production = secretsMatch(key, this.apiKey);
    const development = !production && secretsMatch(key, this.developmentApiKey);
    if (!production && !development) {
      return grpcError(401, 'invalid or missing API key', GrpcCode.Unauthenticated);
    }
    const body = readJsonBody(request);
    if (!('body' in body)) {
      return body.error;
    }
    const parsed = parseCreateTokenRequest(body.body);
    if (typeof parsed === 'string') {
      return grpcError(400, parsed, GrpcCode.InvalidArgument);
    }
    if (development && !DEVELOPMENT_ROLES.includes(parsed.role)) {
      return grpcError(
        403,
        `development API keys may only create ${DEVELOPMENT_ROLES.join(' or ')} tokens`,
        GrpcCode.PermissionDenied,
      );
    }
    const durationMs = development
      ? Math.min(parsed.maxDurationMs, DEVELOPMENT_MAX_DURATION_MS)
      : parsed.maxDurationMs;
    const accessToken = this.issue({
      sub: parsed.serviceUserId,
      role: parsed.role,
      displayName: parsed.displayName,
      lifetimeSeconds: Math.max(1, Math.floor(durationMs / 1000)),
      dev: development,
    });
    this.createCount += 1;
    return { status: 200, json: { accessToken } };
  }

  private refresh(request: FakeRequest): FakeResponse {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1];
    if (token === undefined || !this.isTokenValid(token)) {
      return grpcError(401, 'invalid, expired or revoked access token', GrpcCode.Unauthenticated);
    }
    const body = readJsonBody(request);
    if (!('body' in body)) {
      return body.error;
    }
    if (Object.keys(body.body).length > 0) {
      return grpcError(400, 'the refresh body must be {}', GrpcCode.InvalidArgument);
    }
    const old = this.decode(token) as ApiStreamClaims;
    const renewed = this.issue({
      sub: old.sub,
      role: old.role,
      displayName: old.displayName,
      lifetimeSeconds: old.exp - old.iat,
      dev: old.dev === true,
    });
    this.refreshCount += 1;
    return { status: 200, json: {}, headers: { Authorization: `Bearer ${renewed}` } };
  }

  private issue(spec: {
    sub: string;
    role: ApiStreamRole;
    displayName?: string;
    lifetimeSeconds: number;
    dev: boolean;
  }): string {
    const iat = this.nowSeconds();
    const claims: ApiStreamClaims = {
      sub: spec.sub,
      role: spec.role,
      ...(spec.displayName !== undefined && { displayName: spec.displayName }),
      iat,
      exp: iat + spec.lifetimeSeconds,
      jti: randomUUID(),
      ...(spec.dev && { dev: true as const }),
    };
    this.issued.add(claims.jti);
    return sign({ ...claims }, this.signingSecret, { algorithm: 'HS256' });
  }
}

type JsonBody = { readonly body: JsonObject } | { readonly error: FakeResponse };

function readJsonBody(request: FakeRequest): JsonBody {
  if (!hasContentType(request, 'application/json')) {
    return { error: grpcError(415, 'Content-Type must be application/json') };
  }
  const body = parseJsonObject(request.rawBody);
  return body === undefined
    ? { error: grpcError(400, 'the body is not a JSON object', GrpcCode.InvalidArgument) }
    : { body };
}
