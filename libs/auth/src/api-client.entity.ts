import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A product team's (or an operator's) API key. Only the SHA-256 of the key is stored; the
 * key itself exists in one HTTP answer. A deleted client keeps its row for the audit trail
 * but loses its hash, so the key can never match again.
 * Timestamps keep milliseconds, the precision of a JS Date, so a keyset cursor built from a
 * Date matches the stored value exactly.
 */
@Entity('api_clients')
@Index('api_clients_created_at_id', ['createdAt', 'id'])
export class ApiClientEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Index('api_clients_team')
  @Column({ type: 'varchar', length: 256 })
  team!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Column({ type: 'text', array: true })
  providers!: string[];

  @Column({ name: 'max_role', type: 'varchar', length: 16, nullable: true })
  maxRole!: string | null;

  @Column({ type: 'boolean', default: false })
  development!: boolean;

  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix!: string;

  @Index('api_clients_key_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'bytea', nullable: true })
  keyHash!: Buffer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', precision: 3, nullable: true })
  deletedAt!: Date | null;
}
