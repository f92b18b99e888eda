import type { Command } from 'commander';
import { AdminApi } from './admin-api';
import { loadCliConfig } from './cli-config';
import { Output } from './output';

/** What every command needs: the admin API (configured on first use) and the output mode. */
export interface CommandContext {
  api(): AdminApi;
  output(command: Command): Output;
  /** The environment the CLI was started with (for `--secret-env NAME=VARIABLE`). */
  readonly environment: NodeJS.ProcessEnv;
}

export function createContext(environment: NodeJS.ProcessEnv): CommandContext {
  let api: AdminApi | undefined;
  return {
    api: () => (api ??= new AdminApi(loadCliConfig(environment))),
    output: (command) => new Output(command.optsWithGlobals<{ json?: boolean }>()),
    environment,
  };
}
