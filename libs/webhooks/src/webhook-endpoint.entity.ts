import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A team's webhook endpoint. Its signing secret (and, for 24 h after a rotation, the one
 * before it) is stored only as ciphertext under the row's own data key, wrapped by a vault
 * key, the way credential tokens are (RecordCipher).
 */
@Entity('webhook_endpoints')
@Index('webhook_endpoints_team', ['team', 'createdAt', 'id'])
export class WebhookEndpointEntity {
  /** Assigned before the first seal: the ciphertexts are bound to it. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 256 })
  team!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Subscribed event types, or ["*"]. */
  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'wrapped_data_key', type: 'bytea' })
  wrappedDataKey!: Buffer;

  @Column({ name: 'data_key_id', type: 'varchar', length: 64 })
  dataKeyId!: string;

  @Column({ name: 'encrypted_secret', type: 'bytea' })
  encryptedSecret!: Buffer;

  @Column({ name: 'encrypted_previous_secret', type: 'bytea', nullable: true })
  encryptedPreviousSecret!: Buffer | null;

  /** Until then deliveries are signed with the previous secret too. */
  @Column({
    name: 'previous_secret_expires_at',
    type: 'timestamptz',
    precision: 3,
    nullable: true,
  })
  previousSecretExpiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
