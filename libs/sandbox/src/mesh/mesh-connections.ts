import { randomUUID } from 'node:crypto';
import { opaqueToken } from '../common/random-token';
import type {
  MeshAccount,
  MeshAccountToken,
  MeshBrokerAccountToken,
  MeshRefreshContent,
} from './mesh-payloads';
import type { MeshRefreshRequest } from './refresh-request';

/** One connected account: Mesh keeps no tokens, but the fake must to judge them. */
interface Connection {
  readonly userId: string;
  readonly brokerType: string;
  readonly account: MeshAccount;
  expiresInSeconds?: number;
  /** Lifetime of access tokens from later refreshes, when it differs from the first. */
  readonly refreshedExpiresInSeconds?: number;
  readonly refreshTokenExpiresInSeconds?: number;
  accessToken: string;
  accessExpiresAt?: number;
}

interface RefreshTokenRecord {
  readonly connection: Connection;
  readonly expiresAt?: number;
  live: boolean;
  failWith?: string;
}

export interface NewConnection {
  readonly userId: string;
  readonly brokerType: string;
  readonly account: MeshAccount;
  readonly expiresInSeconds?: number;
  readonly refreshedExpiresInSeconds?: number;
  readonly refreshTokenExpiresInSeconds?: number;
  readonly withRefreshToken: boolean;
}

export type RefreshOutcome =
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'wrongType' }
  | { readonly kind: 'answered'; readonly content: MeshRefreshContent };

/**
 * The fake's memory of Mesh tokens and the rules for refreshing them: a refresh token works
 * once (except for reusable brokers), expires after its window, and can be revoked.
 */
export class MeshConnections {
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, Connection>();

  constructor(private readonly reusableBrokers: ReadonlySet<string>) {}

  connect(spec: NewConnection, now: number): MeshAccountToken {
    const connection: Connection = {
      userId: spec.userId,
      brokerType: spec.brokerType,
      account: spec.account,
      expiresInSeconds: spec.expiresInSeconds,
      refreshedExpiresInSeconds: spec.refreshedExpiresInSeconds,
      refreshTokenExpiresInSeconds: spec.refreshTokenExpiresInSeconds,
      accessToken: '',
    };
    const accessToken = this.newAccessToken(connection, now);
    const token: MeshAccountToken = { account: spec.account, accessToken, tokenId: randomUUID() };
    if (!spec.withRefreshToken) {
      return token;
    }
    return { ...token, refreshToken: this.newRefreshToken(connection, now, true) };
  }

  refresh(request: MeshRefreshRequest, now: number): RefreshOutcome {
    const record = this.refreshTokens.get(request.refreshToken);
    if (
      record === undefined ||
      !record.live ||
      (record.expiresAt !== undefined && record.expiresAt <= now)
    ) {
      return { kind: 'unauthorized' };
    }
    const connection = record.connection;
    if (request.type !== connection.brokerType) {
      return { kind: 'wrongType' };
    }
    if (record.failWith !== undefined) {
      const errorMessage = record.failWith;
      record.failWith = undefined;
      return { kind: 'answered', content: { status: 'failed', errorMessage } };
    }
    if (connection.refreshedExpiresInSeconds !== undefined) {
      connection.expiresInSeconds = connection.refreshedExpiresInSeconds;
    }
    const accessToken = this.newAccessToken(connection, now);
    let refreshToken: string | undefined;
    let refreshExpiresAt = record.expiresAt;
    if (!this.reusableBrokers.has(connection.brokerType) || request.createNewRefreshToken) {
      record.live = false;
      // Only createNewRefreshToken starts a new window; a plain rotation keeps the old one.
      refreshToken = this.newRefreshToken(
        connection,
        now,
        request.createNewRefreshToken,
        record.expiresAt,
      );
      refreshExpiresAt = this.refreshTokens.get(refreshToken)?.expiresAt;
    }
    const token: MeshBrokerAccountToken =
      refreshToken === undefined
        ? { account: connection.account, accessToken }
        : { account: connection.account, accessToken, refreshToken };
    return {
      kind: 'answered',
      content: {
        status: 'succeeded',
        ...(connection.expiresInSeconds !== undefined && {
          expiresInSeconds: connection.expiresInSeconds,
        }),
        ...(refreshExpiresAt !== undefined && {
          refreshTokenExpiresInSeconds: Math.max(0, Math.floor((refreshExpiresAt - now) / 1000)),
        }),
        brokerAccountTokens: [token],
      },
    };
  }

  revokeRefreshToken(refreshToken: string): void {
    const record = this.refreshTokens.get(refreshToken);
    if (record !== undefined) {
      record.live = false;
    }
  }

  failRefreshAsFailed(refreshToken: string, errorMessage: string): void {
    const record = this.refreshTokens.get(refreshToken);
    if (record === undefined) {
      throw new Error('failRefreshAsFailed: this refresh token was never issued by the fake');
    }
    record.failWith = errorMessage;
  }

  /** Live means issued, not consumed, revoked or expired. */
  isRefreshTokenLive(refreshToken: string, now: number): boolean {
    const record = this.refreshTokens.get(refreshToken);
    return (
      record !== undefined &&
      record.live &&
      (record.expiresAt === undefined || record.expiresAt > now)
    );
  }

  /** Only the latest access token of a connection is current. */
  isAccessTokenValid(accessToken: string, now: number): boolean {
    const connection = this.accessTokens.get(accessToken);
    return (
      connection !== undefined &&
      connection.accessToken === accessToken &&
      (connection.accessExpiresAt === undefined || connection.accessExpiresAt > now)
    );
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
    connection: Connection,
    now: number,
    freshWindow: boolean,
    inheritedExpiresAt?: number,
  ): string {
    const refreshToken = opaqueToken(48);
    const window = connection.refreshTokenExpiresInSeconds;
    const expiresAt =
      freshWindow && window !== undefined ? now + window * 1000 : inheritedExpiresAt;
    this.refreshTokens.set(refreshToken, { connection, expiresAt, live: true });
    return refreshToken;
  }
}
