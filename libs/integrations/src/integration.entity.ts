import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

export const USER_ID_MODES = ['derived', 'verbatim'] as const;
export type UserIdMode = (typeof USER_ID_MODES)[number];

/** Every team: the one value of `teams` for an integration that serves them all. */
export const ALL_TEAMS = '*';

/**
 * One provider app: its non-secret settings, and its secrets sealed like tokens (each
 * field AES-256-GCM under the row's own data key, bound to the row's id and the field's
 * name; the data key wrapped by the vault). `sealed_secrets` maps field name to base64.
 */
@Entity('integrations')
@Index('integrations_provider', ['provider'])
export class IntegrationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Team names, or ["*"] for every team. */
  @Column({ type: 'jsonb' })
  teams!: string[];

  @Column({ type: 'jsonb', default: {} })
  settings!: Record<string, string>;

  @Column({ name: 'sealed_secrets', type: 'jsonb', default: {} })
  sealedSecrets!: Record<string, string>;

  @Column({ name: 'user_ids', type: 'varchar', length: 16 })
  userIds!: UserIdMode;

  @Column({ name: 'wrapped_data_key', type: 'bytea' })
  wrappedDataKey!: Buffer;

  @Column({ name: 'data_key_id', type: 'varchar', length: 64 })
  dataKeyId!: string;

  @Column({ name: 'secrets_updated_at', type: 'timestamptz', precision: 3 })
  secretsUpdatedAt!: Date;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
