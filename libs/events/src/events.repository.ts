import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { FeedPosition } from './event-cursor';
import { EventEntity } from './event.entity';
import type { EventType } from './event-types';

/**
 * Why a snapshot-safe cursor and not commit-ordered positions: a position taken from a
 * sequence is allocated when the row is inserted, not when it commits, so a transaction
 * that inserts position 7 and commits after position 8 was read would be skipped by a
 * reader already past 8. Allocating positions at commit instead would serialise every
 * transaction that writes an event (refreshes included) on one counter.
 *
 * So each row carries its transaction's id, and a page only shows rows written by
 * transactions older than the oldest transaction still running
 * (pg_snapshot_xmin(pg_current_snapshot())). Every such transaction has ended, and every
 * transaction that commits later has an id at least that xmin, hence above every id
 * already shown: ordering by (xact_id, position) and resuming after the last one read never
 * skips a late commit. The cost: while a transaction that has written anything is open
 * (anywhere on the Postgres server: transaction ids are server-wide), events written after
 * it wait for it to end. Keyhouse's own transactions are short; give Keyhouse a server
 * where nothing else holds writing transactions open for long.
 */
@Injectable()
export class EventsRepository {
  constructor(@InjectRepository(EventEntity) private readonly events: Repository<EventEntity>) {}

  async pageForTeam(
    team: string,
    after: FeedPosition | undefined,
    types: readonly EventType[] | undefined,
    limit: number,
  ): Promise<EventEntity[]> {
    const query = this.events
      .createQueryBuilder('event')
      .where('event.team = :team', { team })
      .andWhere('event.xact_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint')
      .orderBy('event.xactId', 'ASC')
      .addOrderBy('event.position', 'ASC')
      .limit(limit);
    if (after) {
      query.andWhere('(event.xact_id, event.position) > (:xactId, :position)', after);
    }
    if (types && types.length > 0) {
      query.andWhere('event.type IN (:...types)', { types });
    }
    return query.getMany();
  }

  /** Deletes up to `batchSize` events older than `days`; returns how many went. */
  async sweepOlderThan(days: number, batchSize: number): Promise<number> {
    const rows: unknown = await this.events.query(
      `DELETE FROM events WHERE position IN (
         SELECT position FROM events
          WHERE occurred_at < now() - make_interval(days => $1)
          LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING position`,
      [days, batchSize],
    );
    const list = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return Array.isArray(list) ? list.length : 0;
  }
}
