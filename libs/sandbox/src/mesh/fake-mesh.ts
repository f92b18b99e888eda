import { randomUUID } from 'node:crypto';
import { secretsMatch } from '../common/constant-time';
import type { FakeRequest, FakeResponse, Route } from '../common/fake-http';
import { FakeServer } from '../common/fake-server';
import { isUuid, opaqueToken } from '../common/random-token';
import {
  hasContentType,
  isNonEmptyString,
  type JsonObject,
  parseJsonObject,
} from '../common/request-body';
import {
  BROKER_NAMES,
  brokerNameOf,
  type ConnectAccountOptions,
  type FakeMeshOptions,
  LOGO,
  MESH_SANDBOX_MFA_CODE,
  pick,
} from './fake-mesh-options';
import { LinkTokens } from './link-tokens';
import { MeshConnections, type NewConnection } from './mesh-connections';
import { meshError, meshOk, meshOkWithoutContent } from './mesh-envelope';
import type { DelayedAuthPayload, IntegrationConnectedPayload, LinkPayload } from './mesh-payloads';
import { parseDeleteAccountRequest, parseRefreshRequest } from './refresh-request';

export const MESH_LINK_TOKEN_PATH = '/api/v1/linktoken';
/**
 * Sandbox only: the page a link token points at. Opening it stands for a user finishing
 * Mesh Link, and answers with the payload onIntegrationConnected would hand the page.
 */
export const MESH_SANDBOX_LINK_PATH = '/sandbox/link';
export const MESH_REFRESH_PATH = '/api/v1/token/refresh';
export const MESH_ACCOUNT_PATH = '/api/v1/account';
export { MESH_LINK_TOKEN_LIFETIME_SECONDS } from './link-tokens';
export {
  type ConnectAccountOptions,
  type FakeMeshOptions,
  MESH_SANDBOX_MFA_CODE,
} from './fake-mesh-options';

/** Mesh's integration API: link tokens, and refreshing the tokens a Link session produced. */
export class FakeMesh extends FakeServer {
  readonly clientId: string;
  #clientSecret: string;
  linkTokenCount = 0;
  /** Successful refreshes. */
  refreshCount = 0;
  /** Accounts removed through DELETE /api/v1/account. */
  deletedAccountCount = 0;
  private readonly accessTokenLifetimeSeconds: number;
  private readonly refreshTokenLifetimeSeconds?: number;
  private readonly connections: MeshConnections;
  private readonly linkTokens = new LinkTokens();
  private readonly presented = new Map<string, number>();
  private readonly mfaBrokers: ReadonlySet<string>;
  private readonly deprecatedAnswerBrokers: ReadonlySet<string>;
  readonly mfaCode: string;

  constructor(options: FakeMeshOptions = {}) {
    super('FakeMesh', options);
    this.clientId = options.clientId ?? 'sandbox-mesh-client-id';
    this.#clientSecret = options.clientSecret ?? 'sandbox-mesh-client-secret';
    this.accessTokenLifetimeSeconds = options.accessTokenLifetimeSeconds ?? 3600;
    this.refreshTokenLifetimeSeconds = options.refreshTokenLifetimeSeconds;
    this.mfaCode = options.mfaCode ?? MESH_SANDBOX_MFA_CODE;
    this.mfaBrokers = new Set(options.mfaBrokers ?? ['vanguard']);
    this.deprecatedAnswerBrokers = new Set(options.deprecatedAnswerBrokers ?? ['alpaca']);
    this.connections = new MeshConnections(
      new Set(options.reusableRefreshTokenBrokers ?? []),
      this.mfaCode,
    );
  }

  get clientSecret(): string {
    return this.#clientSecret;
  }

  /** An admin rotated the secret at Mesh: from now on only the new one is accepted. */
  rotateClientSecret(secret: string): void {
    this.#clientSecret = secret;
  }

  /**
   * Simulates a user finishing Mesh Link with an access-token flow: returns the
   * `accessToken` half of the LinkPayload (the SDK's AccessTokenPayload).
   */
  connectAccount(options: ConnectAccountOptions = {}): IntegrationConnectedPayload {
    const spec = this.connectionSpec(options);
    const accountTokens = this.connections.connect(spec, this.now());
    return {
      accountTokens,
      brokerBrandInfo: { brokerLogo: LOGO, brokerPrimaryColor: '#00C805' },
      ...(spec.expiresInSeconds !== undefined && { expiresInSeconds: spec.expiresInSeconds }),
      ...(spec.refreshTokenExpiresInSeconds !== undefined && {
        refreshTokenExpiresInSeconds: spec.refreshTokenExpiresInSeconds,
      }),
      brokerType: spec.brokerType,
      brokerName: options.brokerName ?? brokerNameOf(spec.brokerType),
    };
  }

  /** The whole LinkPayload `onIntegrationConnected` hands the page: `{accessToken: ...}`. */
  linkPayload(options: ConnectAccountOptions = {}): LinkPayload {
    return { accessToken: this.connectAccount(options) };
  }

  /**
   * Simulates a user finishing Mesh Link with delayed auth: `{delayedAuth: ...}`, a refresh
   * token whose first refresh names the accounts (and their tokens).
   */
  connectDelayed(options: ConnectAccountOptions = {}): { delayedAuth: DelayedAuthPayload } {
    const spec = this.connectionSpec(options);
    const refreshToken = this.connections.connectDelayed(spec, this.now());
    return {
      delayedAuth: {
        ...(spec.refreshTokenExpiresInSeconds !== undefined && {
          refreshTokenExpiresInSeconds: spec.refreshTokenExpiresInSeconds,
        }),
        brokerType: spec.brokerType,
        refreshToken,
        brokerName: options.brokerName ?? brokerNameOf(spec.brokerType),
        brokerBrandInfo: { brokerLogo: LOGO },
      },
    };
  }

  /** The next refresh of this token answers `mfaRequired` until a call carries the code. */
  requireMfa(refreshToken: string): void {
    this.connections.requireMfa(refreshToken);
  }

  /** How many times this refresh token reached /token/refresh, faults and failures included. */
  presentations(refreshToken: string): number {
    return this.presented.get(refreshToken) ?? 0;
  }

  presentationCounts(): Map<string, number> {
    return new Map(this.presented);
  }

  /** Makes the token fail as if Mesh had revoked it ("Unauthorized token"). */
  revokeRefreshToken(refreshToken: string): void {
    this.connections.revokeRefreshToken(refreshToken);
  }

  /** The next refresh of this token answers 200 with `content.status: "failed"`. */
  failRefreshAsFailed(refreshToken: string, errorMessage = 'Broker rejected the refresh'): void {
    this.connections.failRefreshAsFailed(refreshToken, errorMessage);
  }

  isAccessTokenValid(accessToken: string): boolean {
    return this.connections.isAccessTokenValid(accessToken, this.now());
  }

  isRefreshTokenLive(refreshToken: string): boolean {
    return this.connections.isRefreshTokenLive(refreshToken, this.now());
  }

  private connectionSpec(options: ConnectAccountOptions): NewConnection {
    const linkUser =
      options.linkToken === undefined
        ? undefined
        : this.linkTokens.take(options.linkToken, this.now());
    const userId = linkUser ?? options.userId ?? `sandbox-user-${opaqueToken(6)}`;
    const brokerType = options.brokerType ?? 'robinhood';
    const brokerName = options.brokerName ?? brokerNameOf(brokerType);
    const accounts = Array.from({ length: options.accounts ?? 1 }, (_, index) => ({
      accountId: randomUUID(),
      accountName: `${brokerName} Individual ${index + 1}`,
      fund: 1000 * (index + 1),
      cash: 250 * (index + 1),
      isReconnected: false,
    }));
    return {
      userId,
      brokerType,
      accounts,
      expiresInSeconds: pick(options.expiresInSeconds, this.accessTokenLifetimeSeconds),
      refreshedExpiresInSeconds: options.refreshedExpiresInSeconds,
      refreshTokenExpiresInSeconds: pick(
        options.refreshTokenExpiresInSeconds,
        this.refreshTokenLifetimeSeconds,
      ),
      withRefreshToken: options.withRefreshToken ?? true,
      needsMfa: options.needsMfa ?? this.mfaBrokers.has(brokerType),
      answers:
        options.answers ??
        (this.deprecatedAnswerBrokers.has(brokerType) ? 'deprecated' : 'current'),
    };
  }

  protected override routes(): readonly Route[] {
    return [
      {
        path: MESH_LINK_TOKEN_PATH,
        methods: { POST: (r) => this.withBody(r, (body) => this.linkToken(body)) },
      },
      {
        path: MESH_REFRESH_PATH,
        methods: { POST: (r) => this.withBody(r, (body) => this.refresh(body)) },
      },
      {
        path: MESH_ACCOUNT_PATH,
        methods: { DELETE: (r) => this.withBody(r, (body) => this.deleteAccount(body)) },
      },
      { path: MESH_SANDBOX_LINK_PATH, methods: { GET: (r) => this.completeLink(r.query) } },
    ];
  }

  protected override errorResponse(status: number, message: string): FakeResponse {
    return meshError(status, message);
  }

  // Counted before faults: a presentation that an injected fault answered still happened.
  protected override onReceived(request: FakeRequest): void {
    if (request.method !== 'POST' || request.path !== MESH_REFRESH_PATH) {
      return;
    }
    const refreshToken = parseJsonObject(request.rawBody)?.refreshToken;
    if (typeof refreshToken === 'string') {
      this.presented.set(refreshToken, this.presentations(refreshToken) + 1);
    }
  }

  protected override resetCounters(): void {
    this.linkTokenCount = 0;
    this.refreshCount = 0;
    this.deletedAccountCount = 0;
    this.presented.clear();
  }

  private withBody(
    request: FakeRequest,
    handler: (body: JsonObject) => FakeResponse,
  ): FakeResponse {
    const idOk = secretsMatch(request.headers['x-client-id'], this.clientId);
    const secretOk = secretsMatch(request.headers['x-client-secret'], this.clientSecret);
    if (!idOk || !secretOk) {
      return meshError(401, 'Unauthorized');
    }
    if (!hasContentType(request, 'application/json')) {
      return meshError(415, 'Content-Type must be application/json');
    }
    const body = parseJsonObject(request.rawBody);
    if (body === undefined) {
      return meshError(400, 'The request body is not a JSON object');
    }
    return handler(body);
  }

  private linkToken(body: JsonObject): FakeResponse {
    if (!isNonEmptyString(body.userId)) {
      return meshError(400, 'userId is required');
    }
    if (body.integrationId !== undefined && !isUuid(body.integrationId)) {
      return meshError(400, 'integrationId must be a UUID');
    }
    const restrict = body.restrictMultipleAccounts;
    if (restrict !== undefined && typeof restrict !== 'boolean') {
      return meshError(400, 'restrictMultipleAccounts must be a boolean');
    }
    const pageUrl = `${this.baseUrl}${MESH_SANDBOX_LINK_PATH}`;
    const linkToken = this.linkTokens.create(body.userId, pageUrl, this.now());
    this.linkTokenCount += 1;
    return meshOk({ linkToken });
  }

  /**
   * The user "finishes" Link: the LinkPayload onIntegrationConnected would hand the page.
   * `broker` picks the institution (vanguard asks for MFA, alpaca answers refreshes in the
   * deprecated fields); `flow=delayedAuth` answers with a delayed-auth grant instead.
   */
  private completeLink(query: Readonly<Record<string, string>>): FakeResponse {
    const linkToken = this.linkTokens.ofSession(query.session);
    if (linkToken === undefined) {
      return { status: 404, json: { error: 'unknown link session' } };
    }
    const brokerType = query.broker ?? 'robinhood';
    if (BROKER_NAMES[brokerType] === undefined) {
      return { status: 400, json: { error: `unknown broker ${brokerType}` } };
    }
    try {
      const options = { linkToken, brokerType };
      const payload =
        query.flow === 'delayedAuth' ? this.connectDelayed(options) : this.linkPayload(options);
      return { status: 200, json: payload };
    } catch {
      return { status: 410, json: { error: 'the link token was used or has expired' } };
    }
  }

  private deleteAccount(body: JsonObject): FakeResponse {
    const request = parseDeleteAccountRequest(body);
    if (typeof request === 'string') {
      return meshError(400, request);
    }
    switch (this.connections.deleteAccount(request.authToken, request.type, this.now())) {
      case 'unauthorized':
        return meshError(400, 'Unauthorized token');
      case 'wrongType':
        return meshError(400, `type ${request.type} does not match the token's broker`);
      case 'deleted':
        this.deletedAccountCount += 1;
        return meshOkWithoutContent();
    }
  }

  private refresh(body: JsonObject): FakeResponse {
    const request = parseRefreshRequest(body);
    if (typeof request === 'string') {
      return meshError(400, request);
    }
    const outcome = this.connections.refresh(request, this.now());
    switch (outcome.kind) {
      case 'unauthorized':
        return meshError(400, 'Unauthorized token');
      case 'badRequest':
        return meshError(400, outcome.message);
      case 'answered':
        if (outcome.content.status === 'succeeded') {
          this.refreshCount += 1;
        }
        return meshOk(outcome.content);
    }
  }
}
