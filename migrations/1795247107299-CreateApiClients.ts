import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiClients1795247107299 implements MigrationInterface {
  name = 'CreateApiClients1795247107299';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "api_clients" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(200) NOT NULL,
                "team" character varying(256) NOT NULL,
                "scopes" text array NOT NULL,
                "providers" text array NOT NULL,
                "max_role" character varying(16),
                "development" boolean NOT NULL DEFAULT false,
                "key_prefix" character varying(16) NOT NULL,
                "key_hash" bytea,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_used_at" TIMESTAMP(3) WITH TIME ZONE,
                "deleted_at" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "PK_ef2d5ef0eb5e9a6ddc67cfa310e" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "api_clients_team" ON "api_clients" ("team")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "api_clients_key_hash" ON "api_clients" ("key_hash")
        `);
    await queryRunner.query(`
            CREATE INDEX "api_clients_created_at_id" ON "api_clients" ("created_at", "id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."api_clients_created_at_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."api_clients_key_hash"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."api_clients_team"
        `);
    await queryRunner.query(`
            DROP TABLE "api_clients"
        `);
  }
}
