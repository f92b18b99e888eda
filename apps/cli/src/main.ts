import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error';
import { registerAudit } from './commands/audit.command';
import { registerClients } from './commands/clients.command';
import { registerCredentials } from './commands/credentials.command';
import { registerIntegrations } from './commands/integrations.command';
import { registerStatus } from './commands/status.command';
import { registerVault } from './commands/vault.command';
import { registerWebhooks } from './commands/webhooks.command';
import { createContext } from './context';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes';

export function buildProgram(environment: NodeJS.ProcessEnv): Command {
  const program = new Command('keyhouse')
    .description('Operate Keyhouse through its admin API (KEYHOUSE_URL, KEYHOUSE_ADMIN_KEY)')
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError()
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();
  const context = createContext(environment);
  registerStatus(program, context);
  registerClients(program, context);
  registerCredentials(program, context);
  registerIntegrations(program, context);
  registerVault(program, context);
  registerAudit(program, context);
  registerWebhooks(program, context);
  // Subcommands exit through the same override, so usage errors everywhere exit 2.
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

/** Runs the CLI; resolves to the exit code. Errors print their detail and a hint, never a stack. */
export async function run(argv: string[], environment: NodeJS.ProcessEnv): Promise<number> {
  const json = argv.includes('--json');
  try {
    await buildProgram(environment).parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the problem and the help already.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const failure =
      error instanceof CliError
        ? error
        : new CliError(
            ExitCode.Internal,
            `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
            'This is a bug in the keyhouse CLI; please report it with the command you ran.',
          );
    process.stderr.write(
      json
        ? `${JSON.stringify({ error: { detail: failure.detail, hint: failure.hint, exitCode: failure.exitCode, ...(failure.problem ? { problem: failure.problem } : {}) } })}\n`
        : `error: ${failure.detail}\nhint: ${failure.hint}\n`,
    );
    return failure.exitCode;
  }
}
