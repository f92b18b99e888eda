import { type PagePosition, storableJson } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { actorColumns } from './actor';
import type { AuditEventInput } from './audit-action';
import type { TimedAuditEvent } from './audit-batcher';
import { AuditEventEntity } from './audit-event.entity';

/** One minute of refresh outcomes, as the audit trail recorded them. */
export interface RefreshMinuteRow {
  readonly minute: Date;
  readonly succeeded: number;
  readonly retrying: number;
  readonly failed: number;
  readonly latenessAvgSeconds: number | null;
  readonly latenessMaxSeconds: number | null;
}

export interface AuditFilters {
  readonly team?: string;
  readonly credentialId?: string;
  readonly action?: string;
}

@Injectable()
export class AuditRepository {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
  ) {}

  /** Inside the caller's transaction when given one, so the event commits with the change. */
  async insert(events: readonly AuditEventInput[], manager?: EntityManager): Promise<void> {
    if (events.length === 0) {
      return;
    }
    const repository = manager ? manager.getRepository(AuditEventEntity) : this.events;
    await repository.insert(events.map((event) => repository.create(toRow(event))));
  }

  /**
   * Many events in one statement (the quiet, batched ones): the batch as one JSON array of
   * rows, so the statement and its plan are the same whatever the batch size. One JSON
   * document rather than an array per column: pg encodes each element of an array
   * parameter in JavaScript, which was about 4% of a token read's CPU under load;
   * `JSON.stringify` of the whole batch is native. A failed batch is retried, and every
   * event behind it waits, so one character Postgres refuses (a NUL in an upstream's words)
   * must not fail it: storableJson writes such characters as U+FFFD.
   */
  async insertTimed(events: readonly TimedAuditEvent[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    const rows = events.map(({ event, at }) => {
      const row = toRow(event);
      return {
        created_at: at,
        action: row.action,
        outcome: row.outcome,
        actor_kind: row.actorKind,
        actor_client_id: row.actorClientId,
        actor_name: row.actorName,
        actor_team: row.actorTeam,
        team: row.team,
        user_id: row.userId,
        provider: row.provider,
        credential_id: row.credentialId,
        target_client_id: row.targetClientId,
        details: row.details ?? {},
      };
    });
    await this.events.query(
      `INSERT INTO audit_events (created_at, action, outcome, actor_kind, actor_client_id,
         actor_name, actor_team, team, user_id, provider, credential_id, target_client_id, details)
       SELECT created_at, action, outcome, actor_kind, actor_client_id, actor_name, actor_team,
         team, user_id, provider, credential_id, target_client_id, coalesce(details, '{}')
       FROM json_to_recordset($1::json) AS event(created_at timestamptz, action varchar,
         outcome varchar, actor_kind varchar, actor_client_id uuid, actor_name varchar,
         actor_team varchar, team varchar, user_id varchar, provider varchar,
         credential_id uuid, target_client_id uuid, details jsonb)`,
      [storableJson(rows)],
    );
  }

  /** Newest first; `limit + 1` rows for keyset pagination. */
  listPage(
    filters: AuditFilters,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<AuditEventEntity[]> {
    const query = this.events
      .createQueryBuilder('event')
      .orderBy('event.created_at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .limit(limit + 1);
    if (filters.team) {
      query.andWhere('event.team = :team', { team: filters.team });
    }
    if (filters.credentialId) {
      query.andWhere('event.credential_id = :credentialId', { credentialId: filters.credentialId });
    }
    if (filters.action) {
      query.andWhere('event.action = :action', { action: filters.action });
    }
    if (after) {
      query.andWhere('(event.created_at, event.id) < (:createdAt, :id)', after);
    }
    return query.getMany();
  }

  /** Refresh outcomes per minute since `since` (minutes without any are absent). */
  async refreshOutcomesByMinute(since: Date): Promise<RefreshMinuteRow[]> {
    const rows = await this.events.query<Record<string, string | Date | null>[]>(
      `SELECT date_trunc('minute', created_at) AS minute,
         count(*) FILTER (WHERE action = 'credential.refreshed')::int AS succeeded,
         count(*) FILTER (WHERE action = 'credential.refresh_failed' AND details->>'willRetry' = 'true')::int AS retrying,
         count(*) FILTER (WHERE action = 'credential.refresh_failed' AND details->>'willRetry' IS DISTINCT FROM 'true')::int AS failed,
         avg((details->>'latenessSeconds')::numeric)::float8 AS lateness_avg,
         max((details->>'latenessSeconds')::numeric)::float8 AS lateness_max
       FROM audit_events
       WHERE created_at >= $1 AND action IN ('credential.refreshed', 'credential.refresh_failed')
       GROUP BY 1 ORDER BY 1`,
      [since],
    );
    return rows.map((row) => ({
      minute: new Date(row.minute as Date),
      succeeded: Number(row.succeeded),
      retrying: Number(row.retrying),
      failed: Number(row.failed),
      latenessAvgSeconds: row.lateness_avg === null ? null : Number(row.lateness_avg),
      latenessMaxSeconds: row.lateness_max === null ? null : Number(row.lateness_max),
    }));
  }
}

function toRow(event: AuditEventInput): Partial<AuditEventEntity> {
  return {
    action: event.action,
    outcome: event.outcome ?? 'success',
    ...actorColumns(event.actor),
    team: event.team ?? null,
    userId: event.userId ?? null,
    provider: event.provider ?? null,
    credentialId: event.credentialId ?? null,
    targetClientId: event.targetClientId ?? null,
    details: event.details ?? {},
  };
}
