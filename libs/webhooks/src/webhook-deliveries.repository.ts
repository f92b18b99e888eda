import { CURRENT_XACT_ID, EventEntity } from '@keyhouse/events';
import type { PagePosition } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

/** A delivery this process holds the lease on, with the fencing token it got. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  /** This attempt's number (claims count as attempts). */
  readonly attempt: number;
  readonly leaseToken: string;
  /** When this process took the lease, by its own clock. */
  readonly claimedAt: number;
}

export interface AttemptResult {
  readonly status: number | null;
  readonly error: string | null;
}

/**
 * Webhook deliveries. Claims work like refresh leases: one statement picks due rows with
 * FOR UPDATE SKIP LOCKED (so processes never pick the same row), sets the owner, the lease
 * expiry and a new fencing token, and counts the attempt; results are written only under
 * that token, so a process whose lease lapsed can never overwrite its successor.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(
    @InjectRepository(WebhookDeliveryEntity)
    private readonly deliveries: Repository<WebhookDeliveryEntity>,
  ) {}

  async claimDue(
    leaseOwner: string,
    limit: number,
    leaseSeconds: number,
  ): Promise<ClaimedDelivery[]> {
    const claimedAt = Date.now();
    const rows = rowsOf(
      await this.deliveries.query(
        `UPDATE webhook_deliveries AS d SET lease_owner = $1,
                lease_expires_at = now() + make_interval(secs => $2),
                lease_token = d.lease_token + 1,
                attempts = d.attempts + 1
           FROM (SELECT wd.id FROM webhook_deliveries wd
                   JOIN webhook_endpoints w ON w.id = wd.endpoint_id AND w.enabled
                  WHERE wd.status = 'pending' AND wd.next_attempt_at <= now()
                    AND (wd.lease_expires_at IS NULL OR wd.lease_expires_at < now())
                  ORDER BY wd.next_attempt_at
                  LIMIT $3
                  FOR UPDATE OF wd SKIP LOCKED) AS due
          WHERE d.id = due.id
          RETURNING d.id, d.endpoint_id, d.event_id, d.attempts, d.lease_token::text AS lease_token`,
        [leaseOwner, leaseSeconds, limit],
      ),
    ) as {
      id: string;
      endpoint_id: string;
      event_id: string;
      attempts: number;
      lease_token: string;
    }[];
    return rows.map((row) => ({
      id: row.id,
      endpointId: row.endpoint_id,
      eventId: row.event_id,
      attempt: row.attempts,
      leaseToken: row.lease_token,
      claimedAt,
    }));
  }

  async eventsByIds(ids: readonly string[]): Promise<Map<string, EventEntity>> {
    if (ids.length === 0) {
      return new Map();
    }
    const rows = await this.deliveries.manager
      .getRepository(EventEntity)
      .createQueryBuilder('event')
      .where('event.id IN (:...ids)', { ids })
      .getMany();
    return new Map(rows.map((event) => [event.id, event]));
  }

  /** A 2xx: done. False when the lease was lost (the write is dropped). */
  async succeed(claim: ClaimedDelivery, status: number): Promise<boolean> {
    return this.finish(
      claim,
      `status = 'succeeded', next_attempt_at = NULL, last_response_status = $3, last_error = NULL`,
      [status],
    );
  }

  /**
   * Anything else: try again after `delayMs`, unless that is past the retry window from
   * the delivery's creation; then it has failed for good.
   */
  async fail(
    claim: ClaimedDelivery,
    result: AttemptResult,
    delayMs: number,
    windowSeconds: number,
  ): Promise<boolean> {
    return this.finish(
      claim,
      `last_response_status = $3, last_error = $4,
       status = CASE WHEN now() + make_interval(secs => $5::float8 / 1000) > created_at + make_interval(secs => $6)
                     THEN 'failed' ELSE 'pending' END,
       next_attempt_at = CASE WHEN now() + make_interval(secs => $5::float8 / 1000) > created_at + make_interval(secs => $6)
                     THEN NULL ELSE now() + make_interval(secs => $5::float8 / 1000) END`,
      [result.status, result.error, delayMs, windowSeconds],
    );
  }

  /** On shutdown: leases of work that never started go back at once. */
  async releaseAll(leaseOwner: string): Promise<void> {
    await this.deliveries.query(
      `UPDATE webhook_deliveries SET lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1
        WHERE lease_owner = $1 AND status = 'pending'`,
      [leaseOwner],
    );
  }

  pageForEndpoint(
    endpointId: string,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<WebhookDeliveryEntity[]> {
    const query = this.deliveries
      .createQueryBuilder('delivery')
      .where('delivery.endpoint_id = :endpointId', { endpointId })
      .orderBy('delivery.createdAt', 'ASC')
      .addOrderBy('delivery.id', 'ASC')
      .take(limit + 1);
    if (after) {
      query.andWhere('(delivery.created_at, delivery.id) > (:createdAt, :id)', after);
    }
    return query.getMany();
  }

  /** webhook.test: an event for this endpoint alone, and its delivery, in one statement. */
  async insertTestEvent(team: string, endpointId: string): Promise<string | undefined> {
    const rows = rowsOf(
      await this.deliveries.query(
        `WITH endpoint AS (SELECT id, team FROM webhook_endpoints WHERE id = $1 AND team = $2),
              new_event AS (
                INSERT INTO events (id, xact_id, team, type, occurred_at, data)
                SELECT gen_random_uuid(), ${CURRENT_XACT_ID}, endpoint.team, 'webhook.test', now(),
                       jsonb_build_object('webhookId', endpoint.id)
                  FROM endpoint
                RETURNING id, team, type)
         INSERT INTO webhook_deliveries (id, endpoint_id, event_id, team, event_type)
         SELECT gen_random_uuid(), endpoint.id, new_event.id, new_event.team, new_event.type
           FROM new_event, endpoint
         RETURNING event_id`,
        [endpointId, team],
      ),
    ) as { event_id: string }[];
    return rows[0]?.event_id;
  }

  private async finish(claim: ClaimedDelivery, set: string, values: unknown[]): Promise<boolean> {
    const rows = rowsOf(
      await this.deliveries.query(
        `UPDATE webhook_deliveries SET ${set}, last_attempt_at = now(),
                lease_owner = NULL, lease_expires_at = NULL
          WHERE id = $1 AND lease_token = $2
          RETURNING id`,
        [claim.id, claim.leaseToken, ...values],
      ),
    );
    return rows.length > 0;
  }
}

function rowsOf(rows: unknown): unknown[] {
  // pg returns [rows, count] for UPDATE ... RETURNING through TypeORM's query().
  const list =
    Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]) : (rows as unknown[]);
  return Array.isArray(list) ? list : [];
}
