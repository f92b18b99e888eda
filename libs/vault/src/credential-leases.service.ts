import { type AuditActor, AuditService } from '@keyhouse/audit';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { claimedRows, claimStatement, idsOf, latenessOf } from './credential-lease-rows';
import { CredentialEntity, type CredentialMetadata } from './credential.entity';
import { type CredentialEventSpec, reachesExpiry, withCredentialEvent } from './credential-events';
import { CredentialCipher, type TokenSecrets } from './crypto/credential-cipher';

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

const CLAIMABLE = `status = 'active' AND (lease_expires_at IS NULL OR lease_expires_at < now())`;

/**
 * The refresh leases on `credentials`. Postgres is the only coordinator: a claim is one
 * statement (FOR UPDATE SKIP LOCKED) that sets the owner, the expiry and a new fencing
 * token; every write after the upstream call is conditional on still holding that token,
 * so a process whose lease ran out (and was taken over) can never overwrite the successor.
 */
@Injectable()
export class CredentialLeases {
  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
    private readonly cipher: CredentialCipher,
    private readonly audit: AuditService,
  ) {}

  /** Claims up to `limit` due credentials, most overdue first; returns the rows as claimed (re-read). */
  async claimDue(
    leaseOwner: string,
    limit: number,
    leaseSeconds: number,
  ): Promise<LeasedCredential[]> {
    const rows: unknown = await this.credentials.query(
      claimStatement(
        `SELECT id, lease_owner AS previous_owner FROM credentials
          WHERE ${CLAIMABLE} AND refresh_at IS NOT NULL AND refresh_at <= now()
          ORDER BY refresh_at
          LIMIT $3
          FOR UPDATE SKIP LOCKED`,
      ),
      [leaseOwner, leaseSeconds, limit],
    );
    return this.loadClaims(claimedRows(rows), leaseOwner);
  }

  /** Claims one credential of `team` now (on-demand or admin refresh); undefined if another holds it. */
  async claimOne(
    id: string,
    leaseOwner: string,
    leaseSeconds: number,
  ): Promise<LeasedCredential | undefined> {
    const rows: unknown = await this.credentials.query(
      claimStatement(
        `SELECT id, lease_owner AS previous_owner FROM credentials
          WHERE id = $3 AND ${CLAIMABLE}
          FOR UPDATE`,
      ),
      [leaseOwner, leaseSeconds, id],
    );
    return (await this.loadClaims(claimedRows(rows), leaseOwner))[0];
  }

  /**
   * Extends the leases this process still holds, each only under the fencing token it was
   * claimed with, in one statement; returns the ids that were extended. A missing id lost its
   * fence: another process took the row over, and this one must stop working it.
   */
  async extend(
    leaseOwner: string,
    held: readonly HeldFence[],
    leaseSeconds: number,
  ): Promise<Set<string>> {
    if (held.length === 0) {
      return new Set();
    }
    const rows: unknown = await this.credentials.query(
      `UPDATE credentials AS c SET lease_expires_at = now() + make_interval(secs => $2)
         FROM unnest($3::uuid[], $4::bigint[]) AS held(id, token)
        WHERE c.id = held.id AND c.lease_token = held.token AND c.lease_owner = $1
        RETURNING c.id`,
      [
        leaseOwner,
        leaseSeconds,
        held.map((lease) => lease.id),
        held.map((lease) => lease.leaseToken),
      ],
    );
    return new Set(idsOf(rows));
  }

  /** Whether someone holds a live lease on the credential (for callers waiting their turn). */
  async isLeased(id: string): Promise<boolean> {
    const [row] = await this.credentials.query<unknown[]>(
      `SELECT 1 FROM credentials WHERE id = $1 AND lease_owner IS NOT NULL AND lease_expires_at >= now()`,
      [id],
    );
    return row !== undefined;
  }

  openSecrets(claim: LeasedCredential): Promise<TokenSecrets> {
    return this.cipher.openSecrets(claim.credential);
  }

  /**
   * Stores the new tokens in one statement, right after the upstream answered, and only if
   * this process still holds the lease it claimed with. A rotated refresh token goes in the
   * field the next refresh reads; no new refresh token keeps the old one.
   */
  async complete(
    claim: LeasedCredential,
    write: RefreshWrite,
    actor: AuditActor,
  ): Promise<LeaseOutcome> {
    const { credential } = claim;
    const dataKey = await this.cipher.dataKeyOf(credential);
    const access = this.cipher.sealField(credential, dataKey, 'access_token', write.accessToken);
    const refresh =
      write.refreshToken === null
        ? null
        : this.cipher.sealField(credential, dataKey, 'refresh_token', write.refreshToken);
    const keepsRefreshExpiry = write.refreshTokenExpiresInSeconds === undefined;
    const rows: unknown = await this.credentials.query(
      `UPDATE credentials SET
          encrypted_access_token = $1,
          encrypted_refresh_token = COALESCE($2, encrypted_refresh_token),
          obtained_at = $3,
          expires_in_seconds = $4,
          expires_at = CASE WHEN $4::int IS NULL THEN NULL ELSE $3::timestamptz + make_interval(secs => $4::int) END,
          refresh_token_expires_in_seconds = CASE WHEN $5 THEN refresh_token_expires_in_seconds ELSE $6::int END,
          refresh_token_expires_at = CASE WHEN $5 THEN refresh_token_expires_at
                                          WHEN $6::int IS NULL THEN NULL
                                          ELSE $3::timestamptz + make_interval(secs => $6::int) END,
          refresh_at = $7,
          metadata = metadata || $8::jsonb,
          status = 'active', attempts = 0, last_error = NULL, last_refreshed_at = now(),
          encrypted_interim_token = NULL,
          lease_owner = NULL, lease_expires_at = NULL, version = version + 1, updated_at = now()
        WHERE id = $9 AND lease_owner = $10 AND lease_token = $11
        RETURNING id`,
      [
        access,
        refresh,
        write.obtainedAt,
        write.expiresInSeconds,
        keepsRefreshExpiry,
        write.refreshTokenExpiresInSeconds ?? null,
        write.refreshAt,
        JSON.stringify(write.metadata ?? {}),
        credential.id,
        claim.leaseOwner,
        claim.leaseToken,
      ],
    );
    if (idsOf(rows).length === 0) {
      return 'lease_lost';
    }
    this.audit.recordQuietly({
      ...this.auditTarget(credential),
      action: 'credential.refreshed',
      actor,
      details: latenessOf(credential.refreshAt),
    });
    return 'written';
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
    const dataKey = await this.cipher.dataKeyOf(credential);
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
    const rows: unknown = await this.credentials.query(
      claimStatement(
        `SELECT id, lease_owner AS previous_owner FROM credentials
          WHERE id = $3 AND status = 'needs_reauth' AND encrypted_interim_token IS NOT NULL
            AND (lease_expires_at IS NULL OR lease_expires_at < now())
          FOR UPDATE`,
      ),
      [leaseOwner, leaseSeconds, id],
    );
    return (await this.loadClaims(claimedRows(rows), leaseOwner))[0];
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
  async scheduleIfIdle(id: string, refreshAt: Date): Promise<void> {
    await this.credentials.query(
      `UPDATE credentials SET refresh_at = $2 WHERE id = $1 AND status = 'active' AND refresh_at IS NULL`,
      [id, refreshAt],
    );
  }

  /** On shutdown: leases of work that never started are handed back at once. */
  async releaseAll(leaseOwner: string): Promise<number> {
    const rows: unknown = await this.credentials.query(
      `UPDATE credentials SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1 RETURNING id`,
      [leaseOwner],
    );
    return idsOf(rows).length;
  }

  /** With `event`, the same statement writes it (and only if the update matched). */
  private async release(
    claim: LeasedCredential,
    set: string,
    values: unknown[],
    event?: CredentialEventSpec,
  ): Promise<LeaseOutcome> {
    const update = `UPDATE credentials SET ${set}, lease_owner = NULL, lease_expires_at = NULL, version = version + 1, updated_at = now()
        WHERE id = $1 AND lease_owner = $2 AND lease_token = $3`;
    const rows: unknown = await this.credentials.query(
      event ? withCredentialEvent(`${update} RETURNING *`, event) : `${update} RETURNING id`,
      [claim.credential.id, claim.leaseOwner, claim.leaseToken, ...values],
    );
    return idsOf(rows).length > 0 ? 'written' : 'lease_lost';
  }

  private async loadClaims(
    claimed: Map<string, boolean>,
    leaseOwner: string,
  ): Promise<LeasedCredential[]> {
    if (claimed.size === 0) {
      return [];
    }
    const rows = await this.credentials
      .createQueryBuilder('credential')
      .where('credential.id IN (:...ids) AND credential.lease_owner = :leaseOwner', {
        ids: [...claimed.keys()],
        leaseOwner,
      })
      .getMany();
    return rows.map((credential) => ({
      credential,
      leaseOwner,
      leaseToken: credential.leaseToken,
      tookOverLapsedLease: claimed.get(credential.id) === true,
    }));
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
