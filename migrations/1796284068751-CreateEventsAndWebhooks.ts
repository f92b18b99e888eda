import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEventsAndWebhooks1796284068751 implements MigrationInterface {
  name = 'CreateEventsAndWebhooks1796284068751';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "id" uuid NOT NULL,
                "team" character varying(256) NOT NULL,
                "url" character varying(2048) NOT NULL,
                "events" text array NOT NULL,
                "description" character varying(500),
                "enabled" boolean NOT NULL DEFAULT true,
                "wrapped_data_key" bytea NOT NULL,
                "data_key_id" character varying(64) NOT NULL,
                "encrypted_secret" bytea NOT NULL,
                "encrypted_previous_secret" bytea,
                "previous_secret_expires_at" TIMESTAMP(3) WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "webhook_endpoints_team" ON "webhook_endpoints" ("team", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "events" (
                "position" BIGSERIAL NOT NULL,
                "id" uuid NOT NULL,
                "xact_id" bigint NOT NULL,
                "team" character varying(256) NOT NULL,
                "type" character varying(64) NOT NULL,
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "data" jsonb NOT NULL,
                CONSTRAINT "PK_d5e01c63c9c1aa38b3c7015184b" PRIMARY KEY ("position")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "events_id" ON "events" ("id")
        `);
    await queryRunner.query(`
            CREATE INDEX "events_occurred" ON "events" ("occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "events_team_feed" ON "events" ("team", "xact_id", "position")
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "endpoint_id" uuid NOT NULL,
                "event_id" uuid NOT NULL,
                "team" character varying(256) NOT NULL,
                "event_type" character varying(64) NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE DEFAULT now(),
                "last_attempt_at" TIMESTAMP(3) WITH TIME ZONE,
                "last_response_status" integer,
                "last_error" character varying(64),
                "lease_owner" character varying(64),
                "lease_expires_at" TIMESTAMP(3) WITH TIME ZONE,
                "lease_token" bigint NOT NULL DEFAULT '0',
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_event" ON "webhook_deliveries" ("event_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at")
            WHERE "status" = 'pending'
        `);
    await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpoint_id", "created_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_27d1ee90033bdafe0ffe8f1be6f" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_27d1ee90033bdafe0ffe8f1be6f"
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."webhook_deliveries_endpoint"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."webhook_deliveries_due"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."webhook_deliveries_event"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."events_team_feed"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."events_occurred"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."events_id"
        `);
    await queryRunner.query(`
            DROP TABLE "events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."webhook_endpoints_team"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_endpoints"
        `);
  }
}
