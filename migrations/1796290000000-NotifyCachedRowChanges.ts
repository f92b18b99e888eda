import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every process keeps API clients and credential rows in memory; these triggers make every
 * writer (the app, the CLI, an operator's psql) tell them, so no code path can forget to.
 * The payload is the row's id. Columns that change on the read path or under a refresh
 * lease (last use and last read, the lease itself) are left out: they would churn every
 * cache for nothing, and no cached decision depends on them.
 */
export class NotifyCachedRowChanges1796290000000 implements MigrationInterface {
  name = 'NotifyCachedRowChanges1796290000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE FUNCTION "keyhouse_notify_row_change"() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify(TG_ARGV[0], OLD.id::text);
                RETURN NULL;
            END
            $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER "credentials_notify_update" AFTER UPDATE ON "credentials"
            FOR EACH ROW WHEN (
                (to_jsonb(OLD) - '{last_read_at,lease_owner,lease_expires_at,lease_token,version,updated_at}'::text[])
                IS DISTINCT FROM
                (to_jsonb(NEW) - '{last_read_at,lease_owner,lease_expires_at,lease_token,version,updated_at}'::text[])
            )
            EXECUTE FUNCTION "keyhouse_notify_row_change"('keyhouse_credentials')
        `);
    await queryRunner.query(`
            CREATE TRIGGER "credentials_notify_delete" AFTER DELETE ON "credentials"
            FOR EACH ROW EXECUTE FUNCTION "keyhouse_notify_row_change"('keyhouse_credentials')
        `);
    await queryRunner.query(`
            CREATE TRIGGER "api_clients_notify_update" AFTER UPDATE ON "api_clients"
            FOR EACH ROW WHEN (
                (to_jsonb(OLD) - '{last_used_at,updated_at}'::text[])
                IS DISTINCT FROM
                (to_jsonb(NEW) - '{last_used_at,updated_at}'::text[])
            )
            EXECUTE FUNCTION "keyhouse_notify_row_change"('keyhouse_api_clients')
        `);
    await queryRunner.query(`
            CREATE TRIGGER "api_clients_notify_delete" AFTER DELETE ON "api_clients"
            FOR EACH ROW EXECUTE FUNCTION "keyhouse_notify_row_change"('keyhouse_api_clients')
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "api_clients_notify_delete" ON "api_clients"`);
    await queryRunner.query(`DROP TRIGGER "api_clients_notify_update" ON "api_clients"`);
    await queryRunner.query(`DROP TRIGGER "credentials_notify_delete" ON "credentials"`);
    await queryRunner.query(`DROP TRIGGER "credentials_notify_update" ON "credentials"`);
    await queryRunner.query(`DROP FUNCTION "keyhouse_notify_row_change"()`);
  }
}
