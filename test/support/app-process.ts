import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TEST_VAULT_KEYS } from './gateway-harness';

const ROOT = join(__dirname, '..', '..');

export type AppName = 'gateway' | 'worker';

/**
 * A gateway or worker as its own OS process, from the build `npm test` makes first
 * (pretest). Used where one process is not enough: restarts, several processes on one
 * database, SIGKILL.
 */
export class AppProcess {
  private output = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly app: AppName,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(app: AppName, env: Record<string, string | undefined>): Promise<AppProcess> {
    const entry = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
    if (!existsSync(entry)) {
      throw new Error(`${entry} is missing: run the suite with "npm test" (it builds first)`);
    }
    const port = await freePort();
    const variables: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      // The worker serves /health and /metrics on WORKER_PORT; each process gets its own.
      ...(app === 'worker' ? { WORKER_PORT: String(port) } : {}),
      LOG_LEVEL: 'info',
      VAULT_KEYS: TEST_VAULT_KEYS,
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
      ...env,
    };
    const child = spawn(process.execPath, [entry], {
      cwd: ROOT,
      // An override of `undefined` removes the variable (spawn would pass "undefined").
      env: Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(app, port, child);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  logs(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves once /health/ready answers 200 and the start is complete (the gateway prints its
   * first admin key, if any, just before its "listening on" banner).
   */
  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(`${this.app} exited before it was ready:\n${this.output.slice(-2_000)}`);
      }
      // The gateway's banner is plain stdout, printed at any LOG_LEVEL once the start is over.
      const started = this.app === 'worker' || this.output.includes('listening on http://');
      if (started && (await this.isReady())) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.app} not ready within ${timeoutMs} ms:\n${this.output.slice(-2_000)}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.running) {
      this.child.kill(signal);
    }
    return this.exited;
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  private async isReady(): Promise<boolean> {
    try {
      return (await fetch(`${this.baseUrl}/health/ready`)).status === 200;
    } catch {
      return false;
    }
  }
}

// Below Linux's ephemeral range (32768–60999), so no outgoing connection of this machine (a
// pg client, a fetch) takes the port between our check and the child's bind.
const PORT_RANGE = { first: 20_000, count: 12_000 };

/** A port free right now, for a child process to bind: random, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = PORT_RANGE.first + Math.floor(Math.random() * PORT_RANGE.count);
    if (await canListen(port)) {
      return port;
    }
  }
  throw new Error('no free port found for a test process');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
