// `npm run openapi` writes the committed document and the typed client's types generated from
// it; `npm run openapi:check` fails when either is stale (CI runs it), printing the difference.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateOpenApiDocument } from './document-app';

// npm runs scripts from the repository root.
const DOCUMENT_FILE = resolve('openapi/keyhouse.json');
const CLIENT_TYPES_FILE = resolve('packages/client/src/schema.ts');
const OPENAPI_TYPESCRIPT = resolve('node_modules/openapi-typescript/bin/cli.js');

function generateClientTypes(documentFile: string, output: string): void {
  const run = spawnSync(
    process.execPath,
    [OPENAPI_TYPESCRIPT, documentFile, '--output', output, '--default-non-nullable', 'false'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (run.status !== 0) {
    throw new Error(`openapi-typescript failed with status ${String(run.status)}`);
  }
}

/** True when `committed` holds exactly `fresh`; otherwise prints a diff. */
function same(committed: string, fresh: string): boolean {
  const text = readFileSync(committed, 'utf8');
  if (text === readFileSync(fresh, 'utf8')) {
    return true;
  }
  spawnSync('diff', ['-u', committed, fresh], { stdio: 'inherit' });
  process.stderr.write(`${committed} is stale: run npm run openapi and commit the result\n`);
  return false;
}

async function main(): Promise<number> {
  const text = `${JSON.stringify(await generateOpenApiDocument(), null, 2)}\n`;
  if (!process.argv.includes('--check')) {
    writeFileSync(DOCUMENT_FILE, text);
    generateClientTypes(DOCUMENT_FILE, CLIENT_TYPES_FILE);
    process.stdout.write(`wrote ${DOCUMENT_FILE} and ${CLIENT_TYPES_FILE}\n`);
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'keyhouse-openapi-'));
  try {
    const freshDocument = join(dir, 'keyhouse.json');
    const freshTypes = join(dir, 'schema.ts');
    writeFileSync(freshDocument, text);
    generateClientTypes(freshDocument, freshTypes);
    const current = [same(DOCUMENT_FILE, freshDocument), same(CLIENT_TYPES_FILE, freshTypes)];
    if (current.every(Boolean)) {
      process.stdout.write('the OpenAPI document and the client types are up to date\n');
      return 0;
    }
    return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`openapi: ${String(error)}\n`);
    process.exit(1);
  },
);
