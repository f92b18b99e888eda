// `npm run openapi` writes the committed document; `npm run openapi:check` fails when it is
// stale (CI runs it), printing where the regenerated one differs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateOpenApiDocument } from './document-app';

// npm runs scripts from the repository root.
const OPENAPI_FILE = resolve('openapi/keyhouse.json');

function serialise(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const text = serialise(await generateOpenApiDocument());
  if (!check) {
    writeFileSync(OPENAPI_FILE, text);
    process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
    return 0;
  }
  const committed = readFileSync(OPENAPI_FILE, 'utf8');
  if (committed === text) {
    process.stdout.write(`${OPENAPI_FILE} is up to date\n`);
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'keyhouse-openapi-'));
  const fresh = join(dir, 'keyhouse.json');
  writeFileSync(fresh, text);
  spawnSync('diff', ['-u', OPENAPI_FILE, fresh], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`${OPENAPI_FILE} is stale: run npm run openapi and commit it\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`openapi: ${String(error)}\n`);
    process.exit(1);
  },
);
