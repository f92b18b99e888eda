import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddCredentialInterimToken1796283108855 implements MigrationInterface {
  name = 'AddCredentialInterimToken1796283108855';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credentials"
            ADD "encrypted_interim_token" bytea
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credentials" DROP COLUMN "encrypted_interim_token"
        `);
  }
}
