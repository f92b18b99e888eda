import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One process running the scheduler, with its last tick: what /admin/refresh/status shows as live workers. */
@Entity('refresh_instances')
export class RefreshInstanceEntity {
  /** The lease owner id the process claims with. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'last_tick_at', type: 'timestamptz', precision: 3, nullable: true })
  lastTickAt!: Date | null;

  @Column({ name: 'stopped_at', type: 'timestamptz', precision: 3, nullable: true })
  stoppedAt!: Date | null;
}
