import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';

export interface CliConfig {
  readonly baseUrl: string;
  readonly adminKey: string;
}

const DEFAULT_URL = 'http://127.0.0.1:3000';

/**
 * The CLI is a client, not the server: it reads its own two variables here, the one file
 * of apps/cli allowed to (the server's configuration stays in libs/config).
 */
export function loadCliConfig(environment: NodeJS.ProcessEnv = process.env): CliConfig {
  const rawUrl = environment.KEYHOUSE_URL?.trim() || DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new CliError(
      ExitCode.Configuration,
      `KEYHOUSE_URL is not a URL`,
      'Set KEYHOUSE_URL to the gateway address, e.g. http://127.0.0.1:3000',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(
      ExitCode.Configuration,
      'KEYHOUSE_URL must be an http or https URL',
      'Set KEYHOUSE_URL to the gateway address, e.g. https://keyhouse.example.com',
    );
  }
  const adminKey = environment.KEYHOUSE_ADMIN_KEY?.trim();
  if (!adminKey) {
    throw new CliError(
      ExitCode.Configuration,
      'KEYHOUSE_ADMIN_KEY is not set',
      'Export an API key with the admin scope: export KEYHOUSE_ADMIN_KEY=kh_live_...',
    );
  }
  return { baseUrl: url.toString().replace(/\/+$/, ''), adminKey };
}
