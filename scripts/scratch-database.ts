// Runs the TypeORM CLI against a throwaway embedded Postgres, so generating and checking
// migrations needs nothing installed or running:
//   scratch-database.ts generate <Name>   migrate a fresh database, then generate migrations/<ts>-<Name>.ts
//   scratch-database.ts check             fail if the entities differ from what the migrations build
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@keyhouse/database';
import { createRootLogger } from '@keyhouse/observability';

const CLI = ['-r', '@swc-node/register', 'node_modules/typeorm/cli.js'];
const DATA_SOURCE = ['-d', 'libs/database/src/cli-data-source.ts'];

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  if (
    command !== 'check' &&
    !(command === 'generate' && name && /^[A-Za-z][A-Za-z0-9]*$/.test(name))
  ) {
    process.stderr.write('usage: scratch-database.ts check | generate <PascalCaseName>\n');
    return 2;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'keyhouse-scratch-'));
  const logger = createRootLogger({ level: 'warn', name: 'scratch-database' });
  const database = await startEmbeddedPostgres({ dataDir, logger, durable: false });
  try {
    const env = { ...process.env, DATABASE_URL: database.url };
    const typeorm = (...args: string[]): number =>
      spawnSync(process.execPath, [...CLI, ...args], { stdio: 'inherit', env }).status ?? 1;
    if (typeorm('migration:run', ...DATA_SOURCE) !== 0) {
      return 1;
    }
    if (command === 'check') {
      return typeorm(
        'migration:generate',
        'migrations/Pending',
        ...DATA_SOURCE,
        '--check',
        '--pretty',
      );
    }
    const status = typeorm('migration:generate', `migrations/${name}`, ...DATA_SOURCE, '--pretty');
    if (status === 0) {
      registerMigration(name);
      process.stdout.write(
        'Registered in migrations/index.ts; review the new file before committing.\n',
      );
    }
    return status;
  } finally {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Adds the newest generated migration's class to the ordered list the apps load. */
function registerMigration(name: string): void {
  const file = readdirSync('migrations')
    .filter((entry) => entry.endsWith(`-${name}.ts`))
    .sort()
    .at(-1);
  if (!file) {
    return;
  }
  const className = `${name}${file.split('-')[0]}`;
  const index = readFileSync('migrations/index.ts', 'utf8');
  const withImport = index.replace(
    /\n\nexport const migrations = \[/,
    `\nimport { ${className} } from './${file.replace(/\.ts$/, '')}';\n\nexport const migrations = [`,
  );
  writeFileSync('migrations/index.ts', withImport.replace(/,?\s*\];\s*$/, `, ${className}];\n`));
  spawnSync(process.execPath, ['node_modules/.bin/prettier', '--write', 'migrations'], {
    stdio: 'ignore',
  });
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
