import { storableJson } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { claimStatement, idsOf, rowsOf } from './credential-lease-rows';
import { CredentialEntity } from './credential.entity';
import { hydrateCredential } from './credential-hydration';
import { type CredentialEventSpec, withCredentialEvent } from './credential-events';
import type { StoredExpiry } from './credential-timing';

/** A row as its claim returned it (RETURNING: no second read), with the fencing token it got. */
export interface ClaimedRow {
  readonly credential: CredentialEntity;
  /** The row was still leased by someone whose lease ran out. */
  readonly tookOver: boolean;
}

/** The fence a write must present: the owner and the token its claim set. */
export interface LeaseFence {
  readonly id: string;
  readonly leaseOwner: string;
  readonly leaseToken: string;
}

/** One refresh's new state, already sealed and timed: plain values for the grouped UPDATE. */
export interface CompletionRow extends LeaseFence, StoredExpiry {
  readonly encryptedAccessToken: Buffer | null;
  /** Null keeps the current refresh token. */
  readonly encryptedRefreshToken: Buffer | null;
  readonly refreshAt: Date | null;
  readonly metadata: Record<string, unknown>;
}

export interface CountByProviderStatus {
  readonly provider: string;
  readonly status: string;
  readonly count: number;
}

const CLAIMABLE = `status = 'active' AND (lease_expires_at IS NULL OR lease_expires_at < now())`;

/**
 * The lease columns of `credentials`, in SQL only: claims that return the claimed rows,
 * fenced writes (one statement per group of completions), and the counts behind the refresh
 * status. No sealing and no audit here: CredentialLeases does those around these statements.
 */
@Injectable()
export class CredentialLeaseRepository {
  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
  ) {}

  /** Up to `limit` due rows, most overdue first, locked past any other claimer (SKIP LOCKED). */
  async claimDue(leaseOwner: string, limit: number, leaseSeconds: number): Promise<ClaimedRow[]> {
    return this.claim(
      `SELECT id, lease_owner AS previous_owner FROM credentials
        WHERE ${CLAIMABLE} AND refresh_at IS NOT NULL AND refresh_at <= now()
        ORDER BY refresh_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED`,
      [leaseOwner, leaseSeconds, limit],
    );
  }

  async claimOne(id: string, leaseOwner: string, leaseSeconds: number): Promise<ClaimedRow[]> {
    return this.claim(
      `SELECT id, lease_owner AS previous_owner FROM credentials
        WHERE id = $3 AND ${CLAIMABLE}
        FOR UPDATE`,
      [leaseOwner, leaseSeconds, id],
    );
  }

  /** A row that awaits a one-time code (needs_reauth with an interim token), if unleased. */
  async claimAwaitingCode(
    id: string,
    leaseOwner: string,
    leaseSeconds: number,
  ): Promise<ClaimedRow[]> {
    return this.claim(
      `SELECT id, lease_owner AS previous_owner FROM credentials
        WHERE id = $3 AND status = 'needs_reauth' AND encrypted_interim_token IS NOT NULL
          AND (lease_expires_at IS NULL OR lease_expires_at < now())
        FOR UPDATE`,
      [leaseOwner, leaseSeconds, id],
    );
  }

  /** Extends each lease still held under its token, in one statement; the ids extended. */
  async extend(
    leaseOwner: string,
    held: readonly { readonly id: string; readonly leaseToken: string }[],
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

  async isLeased(id: string): Promise<boolean> {
    const [row] = await this.credentials.query<unknown[]>(
      `SELECT 1 FROM credentials WHERE id = $1 AND lease_owner IS NOT NULL AND lease_expires_at >= now()`,
      [id],
    );
    return row !== undefined;
  }

  /**
   * Writes a group of refreshes in one statement, each row only under its own fence; the
   * ids written. An id missing from the answer lost its lease (another process holds it).
   */
  async completeAll(rows: readonly CompletionRow[]): Promise<Set<string>> {
    if (rows.length === 0) {
      return new Set();
    }
    const column = <T>(pick: (row: CompletionRow) => T): T[] => rows.map(pick);
    const written: unknown = await this.credentials.query(
      `UPDATE credentials AS c SET
          encrypted_access_token = w.access,
          encrypted_refresh_token = COALESCE(w.refresh, c.encrypted_refresh_token),
          obtained_at = w.obtained_at,
          expires_in_seconds = w.expires_in,
          expires_at = w.expires_at,
          refresh_token_expires_in_seconds = w.refresh_expires_in,
          refresh_token_expires_at = w.refresh_expires_at,
          refresh_at = w.refresh_at,
          metadata = c.metadata || w.metadata,
          status = 'active', attempts = 0, last_error = NULL, last_refreshed_at = now(),
          encrypted_interim_token = NULL,
          lease_owner = NULL, lease_expires_at = NULL, version = c.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bytea[], $5::bytea[],
                     $6::timestamptz[], $7::int[], $8::timestamptz[], $9::int[],
                     $10::timestamptz[], $11::timestamptz[], $12::jsonb[])
           AS w(id, owner, token, access, refresh, obtained_at, expires_in, expires_at,
                refresh_expires_in, refresh_expires_at, refresh_at, metadata)
        WHERE c.id = w.id AND c.lease_owner = w.owner AND c.lease_token = w.token
        RETURNING c.id`,
      [
        column((row) => row.id),
        column((row) => row.leaseOwner),
        column((row) => row.leaseToken),
        column((row) => row.encryptedAccessToken),
        column((row) => row.encryptedRefreshToken),
        column((row) => row.obtainedAt),
        column((row) => row.expiresInSeconds),
        column((row) => row.expiresAt),
        column((row) => row.refreshTokenExpiresInSeconds),
        column((row) => row.refreshTokenExpiresAt),
        column((row) => row.refreshAt),
        column((row) => storableJson(row.metadata)),
      ],
    );
    return new Set(idsOf(written));
  }

  /**
   * Gives the lease back with `set` applied (its placeholders start at $4), under the fence.
   * With `event`, the same statement writes it (and only if the update matched).
   */
  async release(
    fence: LeaseFence,
    set: string,
    values: readonly unknown[],
    event?: CredentialEventSpec,
  ): Promise<boolean> {
    const update = `UPDATE credentials SET ${set}, lease_owner = NULL, lease_expires_at = NULL, version = version + 1, updated_at = now()
        WHERE id = $1 AND lease_owner = $2 AND lease_token = $3`;
    const rows: unknown = await this.credentials.query(
      event ? withCredentialEvent(`${update} RETURNING *`, event) : `${update} RETURNING id`,
      [fence.id, fence.leaseOwner, fence.leaseToken, ...values],
    );
    return idsOf(rows).length > 0;
  }

  async scheduleIfIdle(id: string, refreshAt: Date): Promise<void> {
    await this.credentials.query(
      `UPDATE credentials SET refresh_at = $2 WHERE id = $1 AND status = 'active' AND refresh_at IS NULL`,
      [id, refreshAt],
    );
  }

  async releaseAll(leaseOwner: string): Promise<number> {
    const rows: unknown = await this.credentials.query(
      `UPDATE credentials SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1 RETURNING id`,
      [leaseOwner],
    );
    return idsOf(rows).length;
  }

  countByProviderAndStatus(): Promise<CountByProviderStatus[]> {
    return this.credentials
      .createQueryBuilder('credential')
      .select('credential.provider', 'provider')
      .addSelect('credential.status', 'status')
      .addSelect('count(*)::int', 'count')
      .groupBy('credential.provider')
      .addGroupBy('credential.status')
      .orderBy('credential.provider')
      .getRawMany<CountByProviderStatus>();
  }

  /**
   * Due now and not leased, for the backlog gauge after every tick: the claim's own condition
   * through the due index, so it costs what the backlog is (nothing when caught up), where the
   * counts below read the whole table (40 ms for 30,000 rows, every second, in a due wave).
   */
  async dueCount(): Promise<number> {
    const [row] = await this.credentials.query<{ due: number }[]>(
      `SELECT count(*)::int AS due FROM credentials
        WHERE ${CLAIMABLE} AND refresh_at IS NOT NULL AND refresh_at <= now()`,
    );
    return row?.due ?? 0;
  }

  /** Due now (refresh_at passed, not leased), overdue (active but already expired), leased. */
  async dueAndOverdue(): Promise<{ due: number; overdue: number; leased: number }> {
    const [row] = await this.credentials.query<{ due: number; overdue: number; leased: number }[]>(
      `SELECT
         count(*) FILTER (WHERE refresh_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at < now()))::int AS due,
         count(*) FILTER (WHERE expires_at < now() AND refresh_at IS NOT NULL)::int AS overdue,
         count(*) FILTER (WHERE lease_expires_at >= now())::int AS leased
       FROM credentials WHERE status = 'active'`,
    );
    return row ?? { due: 0, overdue: 0, leased: 0 };
  }

  /** Current failures by code: credentials whose last refresh attempt failed. */
  failuresByCode(): Promise<{ code: string; status: string; count: number }[]> {
    return this.credentials
      .createQueryBuilder('credential')
      .select('credential.last_error', 'code')
      .addSelect('credential.status', 'status')
      .addSelect('count(*)::int', 'count')
      .where('credential.last_error IS NOT NULL')
      .andWhere(`credential.status <> 'revoked'`)
      .groupBy('credential.last_error')
      .addGroupBy('credential.status')
      .orderBy('count', 'DESC')
      .getRawMany();
  }

  private async claim(due: string, parameters: readonly unknown[]): Promise<ClaimedRow[]> {
    const rows: unknown = await this.credentials.query(claimStatement(due), [...parameters]);
    return rowsOf(rows).map((raw) => {
      const row = raw as Record<string, unknown>;
      return {
        credential: hydrateCredential(this.credentials, row),
        tookOver: row.took_over === true,
      };
    });
  }
}
