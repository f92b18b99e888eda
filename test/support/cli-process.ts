import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'keyhouse');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = any>(): T;
}

/**
 * The built `keyhouse` CLI as its own process (asynchronously: the gateway under test runs
 * in this process and must keep answering).
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  /** Written to the CLI's stdin, which is then closed; without it stdin is empty. */
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, env, input === undefined ? 'ignore' : 'pipe');
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

/** A long-running CLI command (audit tail); the caller stops it. */
export function startCli(
  args: string[],
  env: Record<string, string | undefined>,
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  const variables = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  return spawn(process.execPath, [BIN, ...args], {
    env: Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== undefined)),
    stdio: [stdin, 'pipe', 'pipe'],
  });
}
