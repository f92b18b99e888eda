import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

export const CREDENTIAL_STATUSES = ['active', 'needs_reauth', 'expired', 'revoked'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

/** Non-secret, flat details (brokerType, brokerName, accountName, role, ...). */
export type CredentialMetadata = Record<string, string | number | boolean | null>;

/**
 * One token Keyhouse holds, owned by (team, user). The secrets are only ever here as
 * AES-256-GCM ciphertext under the row's own data key, which is stored wrapped by a vault
 * key (KEK); the ciphertext is bound to this row's id, owner, provider and field.
 * Revoking erases the wrapped data key and both ciphertexts: the row stays as history.
 *
 * Timestamps keep milliseconds, the precision of a JS Date, so keyset cursors match.
 */
@Entity('credentials')
@Index('credentials_owner_account', ['team', 'userId', 'provider', 'accountKey'], {
  unique: true,
  where: `"status" <> 'revoked'`,
})
@Index('credentials_team_created', ['team', 'createdAt', 'id'])
@Index('credentials_due', ['refreshAt'], {
  where: `"status" = 'active' AND "refresh_at" IS NOT NULL`,
})
export class CredentialEntity {
  /** Assigned by Keyhouse before the first seal: the ciphertext is bound to it. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 256 })
  team!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 256 })
  userId!: string;

  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  /**
   * The integration (provider app) it was minted under; its current keys serve every later
   * refresh and revocation. Null: the provider's environment integration.
   */
  @Index('credentials_integration')
  @Column({ name: 'integration_id', type: 'uuid', nullable: true })
  integrationId!: string | null;

  /** Mesh account, MyDataHelps participant, ...; '' for tokens with no account. */
  @Column({ name: 'account_key', type: 'varchar', length: 256, default: '' })
  accountKey!: string;

  @Column({ name: 'encrypted_access_token', type: 'bytea', nullable: true })
  encryptedAccessToken!: Buffer | null;

  @Column({ name: 'encrypted_refresh_token', type: 'bytea', nullable: true })
  encryptedRefreshToken!: Buffer | null;

  /**
   * What a refresh stopped for a one-time code needs to go on (Mesh's interim access token
   * after `mfaRequired`), sealed like the tokens; null unless a code is awaited.
   */
  @Column({ name: 'encrypted_interim_token', type: 'bytea', nullable: true })
  encryptedInterimToken!: Buffer | null;

  @Column({ name: 'wrapped_data_key', type: 'bytea', nullable: true })
  wrappedDataKey!: Buffer | null;

  /** Id of the vault key (KEK) that wraps the data key. */
  @Index('credentials_data_key_id')
  @Column({ name: 'data_key_id', type: 'varchar', length: 64, nullable: true })
  dataKeyId!: string | null;

  @Column({ name: 'obtained_at', type: 'timestamptz', precision: 3 })
  obtainedAt!: Date;

  @Column({ name: 'expires_in_seconds', type: 'integer', nullable: true })
  expiresInSeconds!: number | null;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'refresh_token_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  refreshTokenExpiresAt!: Date | null;

  /** The refresh token's own lifetime when it was issued, for its renewal lead. */
  @Column({ name: 'refresh_token_expires_in_seconds', type: 'integer', nullable: true })
  refreshTokenExpiresInSeconds!: number | null;

  /** When the scheduler should refresh it next; null when nothing refreshes it in the background. */
  @Column({ name: 'refresh_at', type: 'timestamptz', precision: 3, nullable: true })
  refreshAt!: Date | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: CredentialStatus;

  /** Consecutive failed refresh attempts (reset on success). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** A machine-readable code, never upstream text that could hold a token. */
  @Column({ name: 'last_error', type: 'varchar', length: 64, nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_refreshed_at', type: 'timestamptz', precision: 3, nullable: true })
  lastRefreshedAt!: Date | null;

  /** Last time a caller read the token; keeps read-driven credentials alive. */
  @Column({ name: 'last_read_at', type: 'timestamptz', precision: 3, nullable: true })
  lastReadAt!: Date | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  leaseExpiresAt!: Date | null;

  /** Fencing token: bumped on every claim; a write must present the one it claimed with. */
  @Column({ name: 'lease_token', type: 'bigint', default: 0 })
  leaseToken!: string;

  @VersionColumn()
  version!: number;

  /** Non-secret details: brokerType, brokerName, accountName, role, ... */
  @Column({ type: 'jsonb', default: {} })
  metadata!: CredentialMetadata;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
