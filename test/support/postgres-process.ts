import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'dist', 'libs', 'database', 'src', 'embedded-postgres.js');
const LOGGER = join(ROOT, 'dist', 'libs', 'observability', 'src', 'logging', 'root-logger.js');

/**
 * An embedded Postgres in its own Node process, for tests that stop and restart the
 * database under a running app. (embedded-postgres is ESM with import.meta, which jest's
 * CommonJS runtime cannot load; plain Node runs the built launcher fine.)
 */
export class PostgresProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(dataDir: string, port: number): Promise<PostgresProcess> {
    if (!existsSync(LAUNCHER)) {
      throw new Error(`${LAUNCHER} is missing: run the suite with "npm test" (it builds first)`);
    }
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(LAUNCHER)});
      const { createRootLogger } = require(${JSON.stringify(LOGGER)});
      const logger = createRootLogger({ level: 'error', name: 'test-postgres' });
      startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, durable: false, databaseName: 'keyhouse', logger })
        .then((database) => {
          process.stdout.write('ready ' + database.url + '\\n');
          process.once('SIGTERM', () => database.stop().then(() => process.exit(0)));
        }, (error) => { process.stderr.write(String(error)); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /ready (\S+)/.exec(output);
        if (ready?.[1]) {
          resolve(ready[1]);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) =>
        reject(new Error(`embedded Postgres exited (${code}): ${output.slice(-500)}`)),
      );
    });
    return new PostgresProcess(child, url);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
