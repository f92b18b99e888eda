import type { CliConfig } from './cli-config';
import { CliError } from './cli-error';
import { ExitCode, exitCodeForStatus } from './exit-codes';

const TIMEOUT_MS = 30_000;

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

interface Problem {
  readonly code?: string;
  readonly detail?: string;
  readonly status?: number;
  readonly errors?: { field: string; message: string }[];
}

/** What to do about each problem code, said once for every command. */
const HINTS: Record<string, string> = {
  unauthenticated: 'Check KEYHOUSE_ADMIN_KEY: the key may be mistyped, rotated or deleted.',
  forbidden: 'KEYHOUSE_ADMIN_KEY must be a key with the admin scope, not a team key.',
  not_found: 'Check the id: list them with `keyhouse clients list` or `keyhouse credentials list`.',
  validation_failed: 'Fix the values named above; `keyhouse <command> --help` lists the options.',
  conflict: 'The resource is in a state that forbids this; `show` it to see its state.',
  needs_reauth: 'The user must connect again; Keyhouse cannot refresh this credential.',
  payload_too_large: 'Send less: the gateway refuses bodies over 64 KiB.',
  rate_limited: 'Wait and try again (the gateway said when, in Retry-After).',
  upstream_error: 'The provider refused the call; see `keyhouse credentials show <id>`.',
  upstream_unavailable: 'The provider is down or slow; Keyhouse retries by itself. Try later.',
  provider_not_configured: 'Configure the provider keys on the gateway, then retry.',
  unavailable: 'The gateway cannot reach its database; check /health/ready.',
};

/** The admin API over HTTP, with the key from KEYHOUSE_ADMIN_KEY. */
export class AdminApi {
  constructor(private readonly config: CliConfig) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  async delete(path: string): Promise<void> {
    await this.request<undefined>('DELETE', path);
  }

  /** Every page of a list, up to `max` items. */
  async all<T>(path: string, max = 10_000): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: Page<T> = await this.get(
        `${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < max);
    return items.slice(0, max);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.config.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.config.adminKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new CliError(
        ExitCode.Unreachable,
        `No answer from ${this.config.baseUrl}`,
        'Check that the gateway runs and that KEYHOUSE_URL points at it.',
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(
        ExitCode.Internal,
        `${method} ${path} answered ${response.status} with a body that is not JSON`,
        'Check that KEYHOUSE_URL points at a Keyhouse gateway, not another server.',
      );
    }
    if (!response.ok) {
      throw problemError(response.status, parsed ?? {});
    }
    return parsed as T;
  }
}

function problemError(status: number, problem: Problem): CliError {
  const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.message}`);
  const detail = [problem.detail ?? `The gateway answered ${status}`, ...fields].join('\n  ');
  const hint = HINTS[problem.code ?? ''] ?? 'Try again; if it persists, check the gateway logs.';
  return new CliError(exitCodeForStatus(status), detail, hint, { ...problem, status });
}
