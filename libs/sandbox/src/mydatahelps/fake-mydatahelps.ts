import { generateKeyPairSync } from 'node:crypto';
import { secretsMatch } from '../common/constant-time';
import type { FakeOptions, FakeRequest, FakeResponse, Route } from '../common/fake-http';
import { FakeServer } from '../common/fake-server';
import { opaqueToken } from '../common/random-token';
import { hasContentType, parseForm } from '../common/request-body';
import { JWT_BEARER_ASSERTION_TYPE, verifyClientAssertion } from './client-assertion';

export const MYDATAHELPS_TOKEN_PATH = '/identityserver/connect/token';

/** Both names CareEvolution documents for the delegated-participant client. */
export const DELEGATED_PARTICIPANT_CLIENT_IDS = [
  'MyDataHelps.DelegatedParticipant',
  'RKStudio.DelegatedParticipant',
] as const;
const DELEGATED_PARTICIPANT_SECRET = 'secret';
const SCOPE = 'api';

export type MyDataHelpsGrant = 'client_credentials' | 'delegated_participant';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type';

export interface FakeMyDataHelpsOptions extends FakeOptions {
  readonly serviceAccount?: string;
  /** The service account's public key; omitted, the fake generates a pair (see privateKeyPem). */
  readonly publicKeyPem?: string;
  readonly serviceTokenLifetimeSeconds?: number;
  readonly participantTokenLifetimeSeconds?: number;
  /** Sent as RateLimit-Limit on 429s. */
  readonly hourlyRateLimit?: number;
}

export interface RateLimitOptions {
  readonly times?: number;
  readonly resetSeconds?: number;
  /** Limits are counted apart per grant; omitted, any token request is limited. */
  readonly grant?: MyDataHelpsGrant;
}

interface IssuedToken {
  readonly expiresAt: number;
  readonly participantId?: string;
}

/** MyDataHelps' token endpoint: service tokens by client assertion, then participant tokens. */
export class FakeMyDataHelps extends FakeServer {
  readonly serviceAccount: string;
  readonly publicKeyPem: string;
  /** Set only when the fake generated the key pair itself. */
  readonly privateKeyPem: string | undefined;
  readonly serviceTokenLifetimeSeconds: number;
  readonly participantTokenLifetimeSeconds: number;
  serviceTokenCount = 0;
  participantTokenCount = 0;
  private readonly hourlyRateLimit: number;
  private readonly serviceTokens = new Map<string, IssuedToken>();
  private readonly participantTokens = new Map<string, IssuedToken>();
  private readonly seenJtis = new Set<string>();
  private readonly revokedParticipants = new Set<string>();

  constructor(options: FakeMyDataHelpsOptions = {}) {
    super('FakeMyDataHelps', options);
    this.serviceAccount = options.serviceAccount ?? 'MyDataHelps.1234.sandbox';
    this.serviceTokenLifetimeSeconds = options.serviceTokenLifetimeSeconds ?? 300;
    this.participantTokenLifetimeSeconds = options.participantTokenLifetimeSeconds ?? 21_600;
    this.hourlyRateLimit = options.hourlyRateLimit ?? 100;
    if (options.publicKeyPem !== undefined) {
      this.publicKeyPem = options.publicKeyPem;
      this.privateKeyPem = undefined;
    } else {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      this.privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    }
  }

  /** The full token URL: client assertions must carry exactly this as `aud`. */
  get tokenUrl(): string {
    return `${this.baseUrl}${MYDATAHELPS_TOKEN_PATH}`;
  }

  /** Later participant-token requests for this participant (and its live tokens) fail. */
  revokeParticipant(participantId: string): void {
    this.revokedParticipants.add(participantId);
  }

  isServiceTokenValid(token: string): boolean {
    const issued = this.serviceTokens.get(token);
    return issued !== undefined && issued.expiresAt > this.now();
  }

  isParticipantTokenValid(token: string, participantId: string): boolean {
    const issued = this.participantTokens.get(token);
    return (
      issued !== undefined &&
      issued.participantId === participantId &&
      issued.expiresAt > this.now() &&
      !this.revokedParticipants.has(participantId)
    );
  }

  /** The next matching token request(s) get a 429 with the RateLimit-* headers. */
  rateLimitNext({ times = 1, resetSeconds = 3600, grant }: RateLimitOptions = {}): void {
    const headers = {
      'RateLimit-Limit': String(this.hourlyRateLimit),
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': String(resetSeconds),
      'Retry-After': String(resetSeconds),
    };
    // ASP.NET's rate limiter answers with an empty body.
    this.injectFailure(
      { times, status: 429, body: '', headers, path: MYDATAHELPS_TOKEN_PATH },
      (request) =>
        grant === undefined || new URLSearchParams(request.rawBody).get('grant_type') === grant,
    );
  }

  protected override routes(): readonly Route[] {
    return [{ path: MYDATAHELPS_TOKEN_PATH, methods: { POST: (r) => this.token(r) } }];
  }

  protected override errorResponse(status: number, message: string): FakeResponse {
    if (status >= 500) {
      return { status, json: { error: 'server_error', error_description: message } };
    }
    return { status, json: { error: 'invalid_request', error_description: message } };
  }

  protected override resetCounters(): void {
    this.serviceTokenCount = 0;
    this.participantTokenCount = 0;
  }

  private token(request: FakeRequest): FakeResponse {
    if (!hasContentType(request, 'application/x-www-form-urlencoded')) {
      return oauthError(
        'invalid_request',
        'Content-Type must be application/x-www-form-urlencoded',
      );
    }
    const form = parseForm(request.rawBody);
    if (form === undefined) {
      return oauthError('invalid_request', 'a parameter was sent more than once');
    }
    const grant = form.get('grant_type');
    if (grant === null || grant === '') {
      return oauthError('invalid_request', 'grant_type is missing');
    }
    if (grant === 'client_credentials') {
      return this.clientCredentials(form);
    }
    if (grant === 'delegated_participant') {
      return this.delegatedParticipant(form);
    }
    return oauthError('unsupported_grant_type', `grant_type ${grant} is not supported`);
  }

  private clientCredentials(form: URLSearchParams): FakeResponse {
    // The assertion authenticates the client; a second mechanism is invalid (RFC 6749 §2.3).
    if (form.has('client_id') || form.has('client_secret')) {
      return oauthError('invalid_request', 'client_id must not be sent with a client assertion');
    }
    if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE) {
      return oauthError(
        'invalid_client',
        `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`,
      );
    }
    const assertion = form.get('client_assertion');
    if (assertion === null || assertion === '') {
      return oauthError('invalid_client', 'client_assertion is missing');
    }
    const verified = verifyClientAssertion(assertion, {
      publicKeyPem: this.publicKeyPem,
      serviceAccount: this.serviceAccount,
      tokenUrl: this.tokenUrl,
      nowSeconds: this.nowSeconds(),
      seenJtis: this.seenJtis,
    });
    if (!verified.ok) {
      return oauthError('invalid_client', verified.description);
    }
    if (form.get('scope') !== SCOPE) {
      return oauthError('invalid_scope', `scope must be ${SCOPE}`);
    }
    this.seenJtis.add(verified.jti);
    this.serviceTokenCount += 1;
    return this.issue(this.serviceTokens, this.serviceTokenLifetimeSeconds);
  }

  private delegatedParticipant(form: URLSearchParams): FakeResponse {
    const clientId = form.get('client_id') ?? '';
    const knownClient = (DELEGATED_PARTICIPANT_CLIENT_IDS as readonly string[]).includes(clientId);
    const secret = form.get('client_secret') ?? undefined;
    if (!knownClient || !secretsMatch(secret, DELEGATED_PARTICIPANT_SECRET)) {
      return oauthError('invalid_client', 'unknown client or wrong client_secret');
    }
    if (form.get('scope') !== SCOPE) {
      return oauthError('invalid_scope', `scope must be ${SCOPE}`);
    }
    const participantId = form.get('participant_id');
    if (participantId === null || participantId === '') {
      return oauthError('invalid_request', 'participant_id is missing');
    }
    const serviceToken = form.get('token');
    if (serviceToken === null || !this.isServiceTokenValid(serviceToken)) {
      return oauthError('invalid_grant', 'token is not a valid service token');
    }
    if (this.revokedParticipants.has(participantId)) {
      return oauthError('invalid_grant', 'participant access has been revoked');
    }
    this.participantTokenCount += 1;
    return this.issue(this.participantTokens, this.participantTokenLifetimeSeconds, participantId);
  }

  private issue(
    store: Map<string, IssuedToken>,
    lifetimeSeconds: number,
    participantId?: string,
  ): FakeResponse {
    const accessToken = opaqueToken(32);
    store.set(accessToken, { expiresAt: this.now() + lifetimeSeconds * 1000, participantId });
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      json: { access_token: accessToken, expires_in: lifetimeSeconds, token_type: 'Bearer' },
    };
  }
}

function oauthError(error: OAuthErrorCode, description: string): FakeResponse {
  return {
    status: 400,
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    json: { error, error_description: description },
  };
}
