import type { Repository } from 'typeorm';
import type { CredentialEntity } from './credential.entity';

/** A raw `RETURNING` row as the entity TypeORM would have read (its column names, its types). */
export function hydrateCredential(
  credentials: Repository<CredentialEntity>,
  row: Record<string, unknown>,
): CredentialEntity {
  const credential = credentials.create();
  const { driver } = credentials.manager.connection;
  for (const column of credentials.metadata.columns) {
    column.setEntityValue(
      credential,
      driver.prepareHydratedValue(row[column.databaseName], column),
    );
  }
  return credential;
}
