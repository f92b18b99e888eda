import { type JwtPayload, verify } from 'jsonwebtoken';

/**
 * Stream's `revoke_tokens_issued_before`, per user and for the whole app: a user token whose
 * `iat` is before either date is refused. Times are epoch milliseconds.
 */
export class Revocations {
  private readonly users = new Map<string, number>();
  private app?: number;

  setUser(userId: string, before: number | undefined): void {
    if (before === undefined) {
      this.users.delete(userId);
    } else {
      this.users.set(userId, before);
    }
  }

  setApp(before: number | undefined): void {
    this.app = before;
  }

  userRevokedBefore(userId: string): number | undefined {
    return this.users.get(userId);
  }

  appRevokedBefore(): number | undefined {
    return this.app;
  }

  /** Whether Stream would accept this user token: HS256, user_id, iat, unexpired, unrevoked. */
  isUserTokenValid(token: string, apiSecret: string, nowSeconds: number): boolean {
    let payload: JwtPayload | string;
    try {
      payload = verify(token, apiSecret, { algorithms: ['HS256'], clockTimestamp: nowSeconds });
    } catch {
      return false;
    }
    if (typeof payload === 'string' || typeof payload.iat !== 'number') {
      return false;
    }
    const userId: unknown = payload.user_id;
    if (typeof userId !== 'string' || userId === '') {
      return false;
    }
    // iat has whole seconds only, so a revocation later in the same second also catches it.
    const issuedAt = payload.iat * 1000;
    const before = [this.users.get(userId), this.app];
    return before.every((instant) => instant === undefined || issuedAt >= instant);
  }
}
