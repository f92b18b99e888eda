import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The columns whose change notifies the credentials channel: every column but those that
 * change on the read path or under a refresh lease (last_read_at, lease_owner,
 * lease_expires_at, lease_token, version, updated_at). A test holds this list to the table,
 * so a column added later cannot be left out unnoticed. The ciphertext comes first: a store
 * changes it, so the comparison stops there.
 */
const NOTIFYING_COLUMNS = [
  'encrypted_access_token',
  'encrypted_refresh_token',
  'encrypted_interim_token',
  'status',
  'wrapped_data_key',
  'data_key_id',
  'obtained_at',
  'expires_in_seconds',
  'expires_at',
  'refresh_token_expires_at',
  'refresh_token_expires_in_seconds',
  'refresh_at',
  'attempts',
  'last_error',
  'last_refreshed_at',
  'metadata',
  'integration_id',
  'id',
  'team',
  'user_id',
  'provider',
  'account_key',
  'created_at',
];

const row = (alias: 'OLD' | 'NEW') =>
  `ROW(${NOTIFYING_COLUMNS.map((column) => `${alias}."${column}"`).join(', ')})`;

/**
 * The same notifications as before (see NotifyCachedRowChanges), decided by comparing the
 * columns themselves rather than two jsonb renderings of the whole row: rendering both
 * versions (ciphertexts as hex, timestamps as text) cost Postgres more than the update it
 * guarded, on every store and every lease.
 */
export class NotifyCredentialChangesByColumn1796300000000 implements MigrationInterface {
  name = 'NotifyCredentialChangesByColumn1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "credentials_notify_update" ON "credentials"`);
    await queryRunner.query(`
            CREATE TRIGGER "credentials_notify_update" AFTER UPDATE ON "credentials"
            FOR EACH ROW WHEN (${row('OLD')} IS DISTINCT FROM ${row('NEW')})
            EXECUTE FUNCTION "keyhouse_notify_row_change"('keyhouse_credentials')
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "credentials_notify_update" ON "credentials"`);
    await queryRunner.query(`
            CREATE TRIGGER "credentials_notify_update" AFTER UPDATE ON "credentials"
            FOR EACH ROW WHEN (
                (to_jsonb(OLD) - '{last_read_at,lease_owner,lease_expires_at,lease_token,version,updated_at}'::text[])
                IS DISTINCT FROM
                (to_jsonb(NEW) - '{last_read_at,lease_owner,lease_expires_at,lease_token,version,updated_at}'::text[])
            )
            EXECUTE FUNCTION "keyhouse_notify_row_change"('keyhouse_credentials')
        `);
  }
}
