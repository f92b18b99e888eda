import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from '@keyhouse/migrations';
import { type GatewayHarness, startGateway } from '@keyhouse/testing';
import { DataSource } from 'typeorm';

describe('database schema', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('lists every migration file in migrations/index.ts, in timestamp order', () => {
    const files = readdirSync(join(__dirname, '..', '..', 'migrations'))
      .filter((file) => /^\d+-.+\.ts$/.test(file))
      .sort();
    const fromFiles = files.map((file) => file.replace(/^(\d+)-(.+)\.ts$/, '$2$1'));
    expect(migrations.map((migration) => migration.name)).toEqual(fromFiles);
  });

  it('matches the entities exactly after the migrations ran (nothing left to generate)', async () => {
    const dataSource = gateway.app.get(DataSource);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('never synchronizes the schema from entities', () => {
    expect(gateway.app.get(DataSource).options.synchronize).toBe(false);
  });
});
