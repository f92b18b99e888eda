import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { EventType } from './event-types';

/**
 * The outbox: one row per change a team must react to, written in the same transaction
 * (usually the same statement) as the change. Rows are only ever inserted, then swept
 * after EVENT_RETENTION_DAYS.
 *
 * `xact_id` is the writing transaction's id (pg_current_xact_id()); the feed orders by
 * (xact_id, position) and only shows rows whose transaction is older than every
 * transaction still running: see events.repository.ts for why.
 */
@Entity('events')
@Index('events_team_feed', ['team', 'xactId', 'position'])
@Index('events_occurred', ['occurredAt'])
export class EventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  position!: string;

  @Index('events_id', { unique: true })
  @Column({ type: 'uuid' })
  id!: string;

  @Column({ name: 'xact_id', type: 'bigint' })
  xactId!: string;

  @Column({ type: 'varchar', length: 256 })
  team!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: EventType;

  @Column({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}
