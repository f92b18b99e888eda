import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIntegrations1796286230863 implements MigrationInterface {
  name = 'CreateIntegrations1796286230863';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "vault_held_keys" (
                "id" character varying(64) NOT NULL,
                "wrapped_data_key" bytea NOT NULL,
                "data_key_id" character varying(64) NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_514e6254d3a80fbc90f71fe8f73" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "integrations" (
                "id" uuid NOT NULL,
                "provider" character varying(32) NOT NULL,
                "name" character varying(200) NOT NULL,
                "teams" jsonb NOT NULL,
                "settings" jsonb NOT NULL DEFAULT '{}',
                "sealed_secrets" jsonb NOT NULL DEFAULT '{}',
                "user_ids" character varying(16) NOT NULL,
                "wrapped_data_key" bytea NOT NULL,
                "data_key_id" character varying(64) NOT NULL,
                "secrets_updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "version" integer NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9adcdc6d6f3922535361ce641e8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "integrations_provider" ON "integrations" ("provider")
        `);
    // Existing credentials keep a null integration_id: the environment integration.
    await queryRunner.query(`
            ALTER TABLE "credentials"
            ADD "integration_id" uuid
        `);
    await queryRunner.query(`
            CREATE INDEX "credentials_integration" ON "credentials" ("integration_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."credentials_integration"
        `);
    await queryRunner.query(`
            ALTER TABLE "credentials" DROP COLUMN "integration_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."integrations_provider"
        `);
    await queryRunner.query(`
            DROP TABLE "integrations"
        `);
    await queryRunner.query(`
            DROP TABLE "vault_held_keys"
        `);
  }
}
