import { KeyhouseConfig } from '@keyhouse/config';
import type { CredentialEntity, StoredExpiry } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { expiryOf, insideRefreshLead, nextRefreshAt } from './refresh-schedule';
import type { KeepAlive } from './token-provider';

/** The timing columns of a credential, as just written. */
export interface TimingState extends StoredExpiry {
  /** When the token was last read (issuing counts as a read). */
  readonly lastReadAt: Date | null;
}

/** The provider's keep-alive policy applied to the schedule: where refresh_at goes. */
@Injectable()
export class RefreshPolicy {
  constructor(private readonly config: KeyhouseConfig) {}

  get minLeadSeconds(): number {
    return this.config.refresh.minLeadSeconds;
  }

  nextRefreshAt(keepAlive: KeepAlive, state: TimingState, now: Date): Date | null {
    if (
      keepAlive === 'never' ||
      (keepAlive === 'while-read' && !this.readWithinLifetime(state, now))
    ) {
      return null;
    }
    return nextRefreshAt({
      accessToken: expiryOf(state.expiresAt, state.expiresInSeconds),
      refreshToken: expiryOf(state.refreshTokenExpiresAt, state.refreshTokenExpiresInSeconds),
      minLeadSeconds: this.config.refresh.minLeadSeconds,
      notBefore: state.obtainedAt,
    });
  }

  /** Whether the background should keep this credential alive now (keep-alive policy). */
  keepsAlive(keepAlive: KeepAlive, credential: CredentialEntity, now: Date): boolean {
    return (
      keepAlive === 'always' ||
      (keepAlive === 'while-read' && this.readWithinLifetime(credential, now))
    );
  }

  /** A read this close to expiry refreshes first (through the lease: single flight). */
  accessTokenInsideLead(credential: CredentialEntity, now: Date): boolean {
    return insideRefreshLead(
      expiryOf(credential.expiresAt, credential.expiresInSeconds),
      now,
      this.minLeadSeconds,
    );
  }

  /** The refresh token is inside its own lead: renew it (Mesh createNewRefreshToken). */
  refreshTokenInsideLead(credential: CredentialEntity, now: Date): boolean {
    return insideRefreshLead(
      expiryOf(credential.refreshTokenExpiresAt, credential.refreshTokenExpiresInSeconds),
      now,
      this.minLeadSeconds,
    );
  }

  /**
   * Read (or issued, which counts as a read) within its last lifetime. A refresh is not a
   * read: otherwise every background refresh would justify the next one, forever.
   */
  private readWithinLifetime(state: TimingState, now: Date): boolean {
    if (state.expiresInSeconds === null || state.lastReadAt === null) {
      return false;
    }
    return now.getTime() - state.lastReadAt.getTime() <= state.expiresInSeconds * 1_000;
  }
}
