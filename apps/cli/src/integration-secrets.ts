import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';
import { putOnce, splitPair } from './key-values';

export interface SecretOptions {
  /** `name=value`: simple, but the value lands in the shell history. */
  readonly secret: string[];
  /** `name=VARIABLE`: the value of an environment variable. */
  readonly secretEnv: string[];
  /** `name`: the value is all of stdin, without its trailing newline. */
  readonly secretStdin?: string;
}

/**
 * The secrets of one create or update, from the three places they may come from. Their values
 * are never printed: an error names the field or the variable, not what it holds.
 */
export async function gatherSecrets(
  options: SecretOptions,
  environment: NodeJS.ProcessEnv,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const pair of options.secret) {
    putOnce(secrets, ...splitPair(pair, '--secret'));
  }
  for (const pair of options.secretEnv) {
    const [name, variable] = splitPair(pair, '--secret-env');
    const value = environment[variable];
    if (value === undefined || value === '') {
      throw new CliError(
        ExitCode.Usage,
        `--secret-env ${name}=${variable}: the variable ${variable} is not set`,
        `Export it first (read -rs ${variable}; export ${variable}), then run the command again.`,
      );
    }
    putOnce(secrets, name, value);
  }
  if (options.secretStdin !== undefined) {
    putOnce(secrets, options.secretStdin, await readStdin(stdin, options.secretStdin));
  }
  return secrets;
}

async function readStdin(stdin: NodeJS.ReadStream, name: string): Promise<string> {
  if (stdin.isTTY) {
    // Typed at a terminal, the secret would be echoed on the screen.
    throw new CliError(
      ExitCode.Usage,
      `--secret-stdin ${name} reads the secret from a pipe, and stdin is a terminal`,
      `Pipe it in: pass show stream/secret | keyhouse integrations … --secret-stdin ${name}`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  const value = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (value === '') {
    throw new CliError(
      ExitCode.Usage,
      `--secret-stdin ${name}: stdin was empty`,
      `Pipe the secret in: printf %s "$SECRET" | keyhouse integrations … --secret-stdin ${name}`,
    );
  }
  return value;
}
