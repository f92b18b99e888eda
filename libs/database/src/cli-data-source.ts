// The data source for the TypeORM CLI only (migration:generate / migration:run). The apps
// build theirs in DatabaseModule. Entities are found by file name, migrations by timestamp
// prefix (not index.ts, which would register each migration twice).
import { join } from 'node:path';
import { loadConfig } from '@keyhouse/config';
import { DataSource } from 'typeorm';

const root = join(__dirname, '..', '..', '..');
// Migrations need no provider, so none of their variables is read.
const url = loadConfig([]).database.url;
if (!url) {
  throw new Error(
    'DATABASE_URL must be set for the TypeORM CLI (npm run migration:generate starts a scratch database itself)',
  );
}

export default new DataSource({
  type: 'postgres',
  url: url.reveal(),
  synchronize: false,
  entities: [join(root, 'libs/*/src/**/*.entity.ts')],
  migrations: [join(root, 'migrations/[0-9]*.ts')],
  migrationsTableName: 'migrations',
  uuidExtension: 'pgcrypto',
});
