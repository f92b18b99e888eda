import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRefreshTokenLifetime1795248091979 implements MigrationInterface {
  name = 'AddRefreshTokenLifetime1795248091979';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credentials"
            ADD "refresh_token_expires_in_seconds" integer
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credentials" DROP COLUMN "refresh_token_expires_in_seconds"
        `);
  }
}
