import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCredentialsAndAudit1795247760102 implements MigrationInterface {
  name = 'CreateCredentialsAndAudit1795247760102';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "credentials" (
                "id" uuid NOT NULL,
                "team" character varying(256) NOT NULL,
                "user_id" character varying(256) NOT NULL,
                "provider" character varying(32) NOT NULL,
                "account_key" character varying(256) NOT NULL DEFAULT '',
                "encrypted_access_token" bytea,
                "encrypted_refresh_token" bytea,
                "wrapped_data_key" bytea,
                "data_key_id" character varying(64),
                "obtained_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "expires_in_seconds" integer,
                "expires_at" TIMESTAMP(3) WITH TIME ZONE,
                "refresh_token_expires_at" TIMESTAMP(3) WITH TIME ZONE,
                "refresh_at" TIMESTAMP(3) WITH TIME ZONE,
                "status" character varying(16) NOT NULL DEFAULT 'active',
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" character varying(64),
                "last_refreshed_at" TIMESTAMP(3) WITH TIME ZONE,
                "last_read_at" TIMESTAMP(3) WITH TIME ZONE,
                "lease_owner" character varying(64),
                "lease_expires_at" TIMESTAMP(3) WITH TIME ZONE,
                "lease_token" bigint NOT NULL DEFAULT '0',
                "version" integer NOT NULL,
                "metadata" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_1e38bc43be6697cdda548ad27a6" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "credentials_data_key_id" ON "credentials" ("data_key_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "credentials_due" ON "credentials" ("refresh_at")
            WHERE "status" = 'active'
                AND "refresh_at" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "credentials_team_created" ON "credentials" ("team", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "credentials_owner_account" ON "credentials" ("team", "user_id", "provider", "account_key")
            WHERE "status" <> 'revoked'
        `);
    await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "action" character varying(64) NOT NULL,
                "outcome" character varying(16) NOT NULL,
                "actor_kind" character varying(16) NOT NULL,
                "actor_client_id" uuid,
                "actor_name" character varying(200) NOT NULL,
                "actor_team" character varying(256),
                "team" character varying(256),
                "user_id" character varying(256),
                "provider" character varying(32),
                "credential_id" uuid,
                "target_client_id" uuid,
                "details" jsonb NOT NULL DEFAULT '{}',
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_events_credential" ON "audit_events" ("credential_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_events_team_created" ON "audit_events" ("team", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_events_created" ON "audit_events" ("created_at", "id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."audit_events_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."audit_events_team_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."audit_events_credential"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credentials_owner_account"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credentials_team_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credentials_due"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."credentials_data_key_id"
        `);
    await queryRunner.query(`
            DROP TABLE "credentials"
        `);
  }
}
