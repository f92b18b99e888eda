import { type AuditActor, AuditService } from '@keyhouse/audit';
import { Injectable } from '@nestjs/common';
import {
  type ClaimedRow,
  CredentialLeaseRepository,
  type CompletionRow,
} from './credential-lease.repository';
import { latenessOf } from './credential-lease-rows';
import type { CredentialEntity, CredentialMetadata } from './credential.entity';
import { type CredentialEventSpec, reachesExpiry } from './credential-events';
import { expiryAfterRefresh } from './credential-timing';
import { CredentialCipher, type TokenSecrets } from './crypto/credential-cipher';
import { StatementGroups } from './statement-groups';

/** A credential this process holds the refresh lease on, with the fencing token it got. */
export interface LeasedCredential {
  readonly credential: CredentialEntity;
  readonly leaseOwner: string;
  readonly leaseToken: string;
  /**
   * The row was still leased by someone whose lease ran out (it died, or lost the database
   * for longer than its lease). That holder may already have presented the grant.
   */
  readonly tookOverLapsedLease: boolean;
}

/** A lease to extend: the row and the fencing token it was claimed with. */
export interface HeldFence {
  readonly id: string;
  readonly leaseToken: string;
}

export interface RefreshWrite {
  readonly accessToken: string;
  /** Null keeps the current refresh token (the upstream returned none). */
  readonly refreshToken: string | null;
  readonly obtainedAt: Date;
  readonly expiresInSeconds: number | null;
  /** Undefined keeps the current refresh-token expiry. */
  readonly refreshTokenExpiresInSeconds?: number | null;
  readonly refreshAt: Date | null;
  readonly metadata?: CredentialMetadata;
}

export type LeaseOutcome = 'written' | 'lease_lost';

/** Completions that arrive while earlier ones are being written go out together, up to this many. */
const COMPLETION_GROUP_SIZE = 100;
/** Completion statements in flight at once (each takes a pooled connection). */
const COMPLETION_STATEMENTS_IN_FLIGHT = 2;
/** A completion statement unanswered this long no longer holds back the ones behind it. */
const COMPLETION_STALL_MS = 500;

/**
 * The refresh leases on `credentials`. Postgres is the only coordinator: a claim is one
 * statement (FOR UPDATE SKIP LOCKED) that sets the owner, the expiry and a new fencing
 * token; every write after the upstream call is conditional on still holding that token,
 * so a process whose lease ran out (and was taken over) can never overwrite the successor.
 * Completions are written in groups (one statement, each row under its own fence); a
 * caller hears 'written' only once its group's statement has committed.
 */
@Injectable()
export class CredentialLeases {
  private readonly completions: StatementGroups<CompletionRow, LeaseOutcome>;
  /**
   * Each claim's data key, unwrapped once for its open and its seal, and gone with the claim
   * (the process-wide cache is for reads, which come back to the same credential).
   */
  private readonly dataKeys = new WeakMap<LeasedCredential, Promise<Buffer>>();

  constructor(
    private readonly rows: CredentialLeaseRepository,
    private readonly cipher: CredentialCipher,
    private readonly audit: AuditService,
  ) {
    this.completions = new StatementGroups(
      async (group) => {
        const written = await this.rows.completeAll(group);
        return group.map((row) => (written.has(row.id) ? 'written' : 'lease_lost'));
      },
      {
        maxSize: COMPLETION_GROUP_SIZE,
        maxInFlight: COMPLETION_STATEMENTS_IN_FLIGHT,
        stallMs: COMPLETION_STALL_MS,
        keyOf: (row) => row.id,
      },
    );
  }

  /** Claims up to `limit` due credentials, most overdue first; the rows come back as claimed. */
  async claimDue(
    leaseOwner: string,
    limit: number,
    leaseSeconds: number,
  ): Promise<LeasedCredential[]> {
    return leasedAs(leaseOwner, await this.rows.claimDue(leaseOwner, limit, leaseSeconds));
  }

  /** Claims one credential now (on-demand or admin refresh); undefined if another holds it. */
  async claimOne(
    id: string,
    leaseOwner: string,
    leaseSeconds: number,
  ): Promise<LeasedCredential | undefined> {
    return leasedAs(leaseOwner, await this.rows.claimOne(id, leaseOwner, leaseSeconds))[0];
  }

  /**
   * Extends the leases this process still holds, each only under the fencing token it was
   * claimed with, in one statement; returns the ids that were extended. A missing id lost its
   * fence: another process took the row over, and this one must stop working it.
   */
  extend(
    leaseOwner: string,
    held: readonly HeldFence[],
    leaseSeconds: number,
  ): Promise<Set<string>> {
    return this.rows.extend(leaseOwner, held, leaseSeconds);
  }

  /** Whether someone holds a live lease on the credential (for callers waiting their turn). */
  isLeased(id: string): Promise<boolean> {
    return this.rows.isLeased(id);
  }

  async openSecrets(claim: LeasedCredential): Promise<TokenSecrets> {
    return this.cipher.openSecretsWith(claim.credential, await this.dataKeyOf(claim));
  }

  /**
   * Stores the new tokens right after the upstream answered, and only if this process still
   * holds the lease it claimed with; the statement is shared with the completions that
   * arrive meanwhile. A rotated refresh token goes in the field the next refresh reads; no
   * new refresh token keeps the old one. Rejects when the group's statement failed.
   */
  async complete(
    claim: LeasedCredential,
    write: RefreshWrite,
    actor: AuditActor,
  ): Promise<LeaseOutcome> {
    const { credential } = claim;
    const dataKey = await this.dataKeyOf(claim);
    const outcome = await this.completions.submit({
      ...fenceOf(claim),
      ...expiryAfterRefresh(credential, write),
      encryptedAccessToken: this.cipher.sealField(
        credential,
        dataKey,
        'access_token',
        write.accessToken,
      ),
      encryptedRefreshToken: this.cipher.sealField(
        credential,
        dataKey,
        'refresh_token',
        write.refreshToken,
      ),
      refreshAt: write.refreshAt,
      metadata: write.metadata ?? {},
    });
    if (outcome === 'written') {
      this.audit.recordQuietly({
        ...this.auditTarget(credential),
        action: 'credential.refreshed',
        actor,
        details: latenessOf(credential.refreshAt),
      });
    }
    return outcome;
  }

  /** A failure worth retrying: count it, record its code, try again at `retryAt`. */
  async failTransiently(
    claim: LeasedCredential,
    code: string,
    retryAt: Date,
    actor: AuditActor,
  ): Promise<LeaseOutcome> {
    const outcome = await this.release(
      claim,
      'attempts = attempts + 1, last_error = $4, refresh_at = $5',
      [code, retryAt],
      reachesExpiry(claim.credential, retryAt) ? { type: 'credential.refresh_failing' } : undefined,
    );
    this.auditFailure(claim, code, actor, true);
    return outcome;
  }

  /** The upstream refused the grant: the user must connect again. No more refreshing. */
  markNeedsReauth(claim: LeasedCredential, code: string, actor: AuditActor): Promise<LeaseOutcome> {
    return this.waitForUser(claim, code, null, actor);
  }

  /**
   * The upstream stopped the refresh for a one-time code: needs_reauth with `code`, and the
   * interim token the second call needs, sealed in the same fenced write.
   */
  async markAwaitingCode(
    claim: LeasedCredential,
    interimToken: string,
    code: string,
    actor: AuditActor,
  ): Promise<LeaseOutcome> {
    const { credential } = claim;
    const dataKey = await this.dataKeyOf(claim);
    const sealed = this.cipher.sealField(credential, dataKey, 'interim_token', interimToken);
    return this.waitForUser(claim, code, sealed, actor);
  }

  /**
   * needs_reauth with `code`, keeping `interim` (or clearing it). The event goes with the
   * change of state only: a refused one-time code leaves a credential that already waited.
   */
  private async waitForUser(
    claim: LeasedCredential,
    code: string,
    interim: Buffer | null,
    actor: AuditActor,
  ): Promise<LeaseOutcome> {
    const outcome = await this.release(
      claim,
      `status = 'needs_reauth', attempts = attempts + 1, last_error = $4, refresh_at = NULL,
       encrypted_interim_token = $5`,
      [code, interim],
      claim.credential.status === 'needs_reauth' ? undefined : { type: 'credential.needs_reauth' },
    );
    this.auditFailure(claim, code, actor, false);
    return outcome;
  }

  /**
   * Claims a credential that awaits a one-time code (its status is needs_reauth, so the
   * ordinary claims never take it); undefined if it awaits none or another holds it.
   */
  async claimAwaitingCode(
    id: string,
    leaseOwner: string,
    leaseSeconds: number,
  ): Promise<LeasedCredential | undefined> {
    return leasedAs(leaseOwner, await this.rows.claimAwaitingCode(id, leaseOwner, leaseSeconds))[0];
  }

  /** The token expired and nothing can refresh it. */
  async markExpired(
    claim: LeasedCredential,
    code: string,
    actor: AuditActor,
  ): Promise<LeaseOutcome> {
    const outcome = await this.release(
      claim,
      `status = 'expired', last_error = $4, refresh_at = NULL`,
      [code],
      { type: 'credential.expired' },
    );
    this.auditFailure(claim, code, actor, false);
    return outcome;
  }

  /** Gives the lease back without refreshing, with the next time to look at it. */
  reschedule(claim: LeasedCredential, refreshAt: Date | null): Promise<LeaseOutcome> {
    return this.release(claim, 'refresh_at = $4', [refreshAt]);
  }

  /** A read brought a read-driven credential back to life: schedule it again if nothing is. */
  scheduleIfIdle(id: string, refreshAt: Date): Promise<void> {
    return this.rows.scheduleIfIdle(id, refreshAt);
  }

  /** On shutdown: leases of work that never started are handed back at once. */
  releaseAll(leaseOwner: string): Promise<number> {
    return this.rows.releaseAll(leaseOwner);
  }

  /** With `event`, the same statement writes it (and only if the update matched). */
  private async release(
    claim: LeasedCredential,
    set: string,
    values: unknown[],
    event?: CredentialEventSpec,
  ): Promise<LeaseOutcome> {
    const written = await this.rows.release(fenceOf(claim), set, values, event);
    return written ? 'written' : 'lease_lost';
  }

  private dataKeyOf(claim: LeasedCredential): Promise<Buffer> {
    let dataKey = this.dataKeys.get(claim);
    if (!dataKey) {
      dataKey = this.cipher.unwrapDataKey(claim.credential);
      this.dataKeys.set(claim, dataKey);
    }
    return dataKey;
  }

  private auditTarget(credential: CredentialEntity) {
    return {
      team: credential.team,
      userId: credential.userId,
      provider: credential.provider,
      credentialId: credential.id,
    };
  }

  private auditFailure(
    claim: LeasedCredential,
    code: string,
    actor: AuditActor,
    willRetry: boolean,
  ): void {
    this.audit.recordQuietly({
      ...this.auditTarget(claim.credential),
      action: 'credential.refresh_failed',
      actor,
      outcome: 'failure',
      details: { code, willRetry },
    });
  }
}

function fenceOf(claim: LeasedCredential) {
  return { id: claim.credential.id, leaseOwner: claim.leaseOwner, leaseToken: claim.leaseToken };
}

function leasedAs(leaseOwner: string, claimed: readonly ClaimedRow[]): LeasedCredential[] {
  return claimed.map(({ credential, tookOver }) => ({
    credential,
    leaseOwner,
    leaseToken: credential.leaseToken,
    tookOverLapsedLease: tookOver,
  }));
}
