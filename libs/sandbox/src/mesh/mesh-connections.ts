import { randomUUID } from 'node:crypto';
import { opaqueToken } from '../common/random-token';
import type {
  MeshAccount,
  MeshAccountToken,
  MeshBrokerAccountToken,
  MeshRefreshContent,
} from './mesh-payloads';
import type { MeshRefreshRequest } from './refresh-request';

/** Which fields a refresh answer carries its tokens in. */
export type AnswerStyle = 'current' | 'deprecated' | 'both';

/** One connected account: Mesh keeps no tokens for us, but the fake must, to judge them. */
interface Connection {
  readonly userId: string;
  readonly brokerType: string;
  readonly account: MeshAccount;
  expiresInSeconds?: number;
  /** Lifetime of access tokens from later refreshes, when it differs from the first. */
  readonly refreshedExpiresInSeconds?: number;
  readonly refreshTokenExpiresInSeconds?: number;
  readonly answers: AnswerStyle;
  accessToken: string;
  accessExpiresAt?: number;
  /** Removed by DELETE /api/v1/account: every token of it is refused from then on. */
  deleted: boolean;
}

interface RefreshTokenRecord {
  /** One for an account's token; several for a delayed-auth grant, named on first refresh. */
  readonly connections: readonly Connection[];
  readonly grant: boolean;
  readonly expiresAt?: number;
  live: boolean;
  failWith?: string;
  /** The next refresh answers `mfaRequired` until one carries the right code. */
  needsMfa: boolean;
  /** The interim access token the `mfaRequired` answer handed out. */
  interim?: string;
}

export interface NewConnection {
  readonly userId: string;
  readonly brokerType: string;
  readonly accounts: readonly MeshAccount[];
  readonly expiresInSeconds?: number;
  readonly refreshedExpiresInSeconds?: number;
  readonly refreshTokenExpiresInSeconds?: number;
  readonly withRefreshToken: boolean;
  readonly needsMfa: boolean;
  readonly answers: AnswerStyle;
}

export type RefreshOutcome =
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'badRequest'; readonly message: string }
  | { readonly kind: 'answered'; readonly content: MeshRefreshContent };

/** Brokers whose refresh must carry the current access token (Mesh: WeBull). */
const ACCESS_TOKEN_BROKERS = new Set(['weBull']);

/**
 * The fake's memory of Mesh tokens and its rules: a refresh token works once (except for
 * reusable brokers), expires after its window and can be revoked; a delayed-auth grant's
 * first refresh names its accounts; an MFA broker answers `mfaRequired` until a second
 * call carries the code and the interim token; a deleted account's tokens are all refused.
 */
export class MeshConnections {
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, Connection>();

  constructor(
    private readonly reusableBrokers: ReadonlySet<string>,
    private readonly mfaCode: string,
  ) {}

  /** The accounts with their tokens, as an `accessToken` LinkPayload carries them. */
  connect(spec: NewConnection, now: number): MeshAccountToken[] {
    return spec.accounts.map((account) => {
      const connection = this.newConnection(spec, account);
      const accessToken = this.newAccessToken(connection, now);
      const token: MeshAccountToken = { account, accessToken, tokenId: randomUUID() };
      if (!spec.withRefreshToken) {
        return token;
      }
      const refreshToken = this.newRefreshToken([connection], now, true, undefined, false);
      this.refreshTokens.get(refreshToken)!.needsMfa = spec.needsMfa;
      return { ...token, refreshToken };
    });
  }

  /** A delayed-auth grant: one refresh token for accounts not named yet. */
  connectDelayed(spec: NewConnection, now: number): string {
    const connections = spec.accounts.map((account) => this.newConnection(spec, account));
    const refreshToken = this.newRefreshToken(connections, now, true, undefined, true);
    this.refreshTokens.get(refreshToken)!.needsMfa = spec.needsMfa;
    return refreshToken;
  }

  refresh(request: MeshRefreshRequest, now: number): RefreshOutcome {
    const record = this.refreshTokens.get(request.refreshToken);
    if (record === undefined || !this.isLive(record, now)) {
      return { kind: 'unauthorized' };
    }
    const [first] = record.connections;
    if (request.type !== first.brokerType) {
      return {
        kind: 'badRequest',
        message: `type ${request.type} does not match the token's broker`,
      };
    }
    if (record.failWith !== undefined) {
      const errorMessage = record.failWith;
      record.failWith = undefined;
      return { kind: 'answered', content: { status: 'failed', errorMessage } };
    }
    const stopped = this.secondFactor(record, request);
    if (stopped !== undefined) {
      return stopped;
    }
    if (!record.grant && ACCESS_TOKEN_BROKERS.has(first.brokerType)) {
      if (request.accessToken !== first.accessToken) {
        return { kind: 'badRequest', message: `accessToken is required for ${first.brokerType}` };
      }
    }
    return { kind: 'answered', content: this.rotate(record, request, now) };
  }

  /** Removes the connection the access token belongs to; false if it is not a current one. */
  deleteAccount(
    authToken: string,
    type: string,
    now: number,
  ): 'deleted' | 'unauthorized' | 'wrongType' {
    const connection = this.accessTokens.get(authToken);
    if (connection === undefined || !this.isAccessTokenValid(authToken, now)) {
      return 'unauthorized';
    }
    if (connection.brokerType !== type) {
      return 'wrongType';
    }
    connection.deleted = true;
    return 'deleted';
  }

  revokeRefreshToken(refreshToken: string): void {
    const record = this.refreshTokens.get(refreshToken);
    if (record !== undefined) {
      record.live = false;
    }
  }

  failRefreshAsFailed(refreshToken: string, errorMessage: string): void {
    this.record(refreshToken, 'failRefreshAsFailed').failWith = errorMessage;
  }

  requireMfa(refreshToken: string): void {
    this.record(refreshToken, 'requireMfa').needsMfa = true;
  }

  /** Live means issued, not consumed, revoked, expired or deleted. */
  isRefreshTokenLive(refreshToken: string, now: number): boolean {
    const record = this.refreshTokens.get(refreshToken);
    return record !== undefined && this.isLive(record, now);
  }

  /** Only the latest access token of a connection is current. */
  isAccessTokenValid(accessToken: string, now: number): boolean {
    const connection = this.accessTokens.get(accessToken);
    return (
      connection !== undefined &&
      !connection.deleted &&
      connection.accessToken === accessToken &&
      (connection.accessExpiresAt === undefined || connection.accessExpiresAt > now)
    );
  }

  private isLive(record: RefreshTokenRecord, now: number): boolean {
    return (
      record.live &&
      (record.expiresAt === undefined || record.expiresAt > now) &&
      !record.connections.some((connection) => connection.deleted)
    );
  }

  /** `mfaRequired` with an interim token, then the second call: code and interim token. */
  private secondFactor(
    record: RefreshTokenRecord,
    request: MeshRefreshRequest,
  ): RefreshOutcome | undefined {
    if (!record.needsMfa) {
      return undefined;
    }
    if (request.mfaCode === undefined || record.interim === undefined) {
      record.interim = opaqueToken(48);
      return {
        kind: 'answered',
        content: { status: 'mfaRequired', brokerAccountTokens: [{ accessToken: record.interim }] },
      };
    }
    if (request.accessToken !== record.interim) {
      return {
        kind: 'badRequest',
        message: 'accessToken must be the one the mfaRequired answer returned',
      };
    }
    if (request.mfaCode !== this.mfaCode) {
      return { kind: 'answered', content: { status: 'failed', errorMessage: 'Invalid MFA code' } };
    }
    record.needsMfa = false;
    record.interim = undefined;
    return undefined;
  }

  private rotate(
    record: RefreshTokenRecord,
    request: MeshRefreshRequest,
    now: number,
  ): MeshRefreshContent {
    const [first] = record.connections;
    const rotates =
      record.grant || !this.reusableBrokers.has(first.brokerType) || request.createNewRefreshToken;
    if (rotates) {
      record.live = false;
    }
    // Only createNewRefreshToken (or a grant's exchange) starts a new window.
    const freshWindow = record.grant || request.createNewRefreshToken;
    const tokens = record.connections.map((connection): MeshBrokerAccountToken => {
      if (connection.refreshedExpiresInSeconds !== undefined) {
        connection.expiresInSeconds = connection.refreshedExpiresInSeconds;
      }
      const accessToken = this.newAccessToken(connection, now);
      const refreshToken = rotates
        ? this.newRefreshToken([connection], now, freshWindow, record.expiresAt, false)
        : undefined;
      return refreshToken === undefined
        ? { account: connection.account, accessToken }
        : { account: connection.account, accessToken, refreshToken };
    });
    const refreshExpiresAt =
      tokens[0].refreshToken === undefined
        ? record.expiresAt
        : this.refreshTokens.get(tokens[0].refreshToken)?.expiresAt;
    const timing = {
      ...(first.expiresInSeconds !== undefined && { expiresInSeconds: first.expiresInSeconds }),
      ...(refreshExpiresAt !== undefined && {
        refreshTokenExpiresInSeconds: Math.max(0, Math.floor((refreshExpiresAt - now) / 1000)),
      }),
    };
    const deprecated = {
      accessToken: tokens[0].accessToken,
      ...(tokens[0].refreshToken !== undefined && { refreshToken: tokens[0].refreshToken }),
      account: first.account,
    };
    switch (first.answers) {
      case 'current':
        return { status: 'succeeded', ...timing, brokerAccountTokens: tokens };
      case 'deprecated':
        return { status: 'succeeded', ...timing, ...deprecated };
      case 'both':
        return { status: 'succeeded', ...timing, ...deprecated, brokerAccountTokens: tokens };
    }
  }

  private record(refreshToken: string, caller: string): RefreshTokenRecord {
    const record = this.refreshTokens.get(refreshToken);
    if (record === undefined) {
      throw new Error(`${caller}: this refresh token was never issued by the fake`);
    }
    return record;
  }

  private newConnection(spec: NewConnection, account: MeshAccount): Connection {
    return {
      userId: spec.userId,
      brokerType: spec.brokerType,
      account,
      expiresInSeconds: spec.expiresInSeconds,
      refreshedExpiresInSeconds: spec.refreshedExpiresInSeconds,
      refreshTokenExpiresInSeconds: spec.refreshTokenExpiresInSeconds,
      answers: spec.answers,
      accessToken: '',
      deleted: false,
    };
  }

  private newAccessToken(connection: Connection, now: number): string {
    const accessToken = opaqueToken(48);
    connection.accessToken = accessToken;
    connection.accessExpiresAt =
      connection.expiresInSeconds === undefined
        ? undefined
        : now + connection.expiresInSeconds * 1000;
    this.accessTokens.set(accessToken, connection);
    return accessToken;
  }

  private newRefreshToken(
    connections: readonly Connection[],
    now: number,
    freshWindow: boolean,
    inheritedExpiresAt: number | undefined,
    grant: boolean,
  ): string {
    const refreshToken = opaqueToken(48);
    const window = connections[0].refreshTokenExpiresInSeconds;
    const expiresAt =
      freshWindow && window !== undefined ? now + window * 1000 : inheritedExpiresAt;
    this.refreshTokens.set(refreshToken, {
      connections,
      grant,
      expiresAt,
      live: true,
      needsMfa: false,
    });
    return refreshToken;
  }
}
