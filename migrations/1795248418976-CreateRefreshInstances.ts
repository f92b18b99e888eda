import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRefreshInstances1795248418976 implements MigrationInterface {
  name = 'CreateRefreshInstances1795248418976';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "refresh_instances" (
                "id" character varying(64) NOT NULL,
                "started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "last_tick_at" TIMESTAMP(3) WITH TIME ZONE,
                "stopped_at" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "PK_83a76fea470e9d8d86a16817b21" PRIMARY KEY ("id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "refresh_instances"
        `);
  }
}
