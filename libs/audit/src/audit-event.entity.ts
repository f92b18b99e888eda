import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditDetails } from './audit-action';

/** Who did what to which credential or client, when, and how it went. Append-only. */
@Entity('audit_events')
@Index('audit_events_created', ['createdAt', 'id'])
@Index('audit_events_team_created', ['team', 'createdAt'])
@Index('audit_events_credential', ['credentialId'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: string;

  @Column({ name: 'actor_client_id', type: 'uuid', nullable: true })
  actorClientId!: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 200 })
  actorName!: string;

  @Column({ name: 'actor_team', type: 'varchar', length: 256, nullable: true })
  actorTeam!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  team!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 256, nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  provider!: string | null;

  @Column({ name: 'credential_id', type: 'uuid', nullable: true })
  credentialId!: string | null;

  @Column({ name: 'target_client_id', type: 'uuid', nullable: true })
  targetClientId!: string | null;

  @Column({ type: 'jsonb', default: {} })
  details!: AuditDetails;
}
