import type { Command } from 'commander';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { ago, parseDuration } from '../output';
import { requireYes } from './clients.command';
import type { AuditEvent } from './audit.command';

interface Credential {
  readonly id: string;
  readonly team: string;
  readonly provider: string;
  readonly userId: string;
  readonly accountId: string | null;
  readonly status: string;
  readonly expiresAt: string | null;
  readonly refreshAt: string | null;
  readonly lastRefreshedAt: string | null;
  readonly lastError: string | null;
  readonly attempts: number;
  readonly vaultKeyId: string | null;
  readonly createdAt: string;
}

interface ListOptions {
  readonly team?: string;
  readonly provider?: string;
  readonly status?: string;
  readonly expiringWithin?: string;
  readonly limit: string;
}

const path = (id: string) => `/admin/credentials/${encodeURIComponent(id)}`;

export function registerCredentials(program: Command, context: CommandContext): void {
  const credentials = program
    .command('credentials')
    .description('Stored credentials (metadata only)');

  credentials
    .command('list')
    .description('Credentials across teams')
    .option('--team <team>')
    .option('--provider <provider>')
    .option('--status <status>', 'active, needs_reauth, expired or revoked')
    .option('--expiring-within <duration>', 'e.g. 3600, 30m, 24h, 7d')
    .option('--limit <n>', 'at most this many', '200')
    .action(async (options: ListOptions, command: Command) => {
      const within =
        options.expiringWithin === undefined ? undefined : parseDuration(options.expiringWithin);
      const limit = Number(options.limit);
      if (
        (options.expiringWithin !== undefined && within === undefined) ||
        !Number.isInteger(limit) ||
        limit < 1
      ) {
        throw new CliError(
          ExitCode.Usage,
          'Bad --expiring-within or --limit',
          'Use whole numbers; durations may end in s, m, h or d (e.g. --expiring-within 24h).',
        );
      }
      const search = new URLSearchParams();
      for (const [name, value] of [
        ['team', options.team],
        ['provider', options.provider],
        ['status', options.status],
        ['expiringWithinSeconds', within === undefined ? undefined : String(within)],
      ] as const) {
        if (value !== undefined) {
          search.set(name, value);
        }
      }
      const items = await context
        .api()
        .all<Credential>(`/admin/credentials?${search.toString()}`, limit);
      const out = context.output(command);
      out.result({ items }, () =>
        out.table(
          ['id', 'team', 'user', 'provider', 'status', 'expires', 'last error'],
          items.map((credential) => [
            credential.id,
            credential.team,
            credential.userId,
            credential.provider,
            credential.status,
            ago(credential.expiresAt),
            credential.lastError,
          ]),
          'No credentials match.',
        ),
      );
    });

  credentials
    .command('show <id>')
    .description("A credential's metadata and its timeline (audit events)")
    .action(async (id: string, _options: unknown, command: Command) => {
      const api = context.api();
      const credential = await api.get<Credential>(path(id));
      const timeline = await api.all<AuditEvent>(
        `/admin/audit?credentialId=${encodeURIComponent(credential.id)}`,
        100,
      );
      const out = context.output(command);
      out.result({ credential, timeline }, () => {
        out.fields([
          ['id', credential.id],
          ['team', credential.team],
          ['user', credential.userId],
          ['account', credential.accountId],
          ['provider', credential.provider],
          ['status', credential.status],
          ['expires', `${credential.expiresAt ?? '—'} (${ago(credential.expiresAt)})`],
          ['next refresh', ago(credential.refreshAt)],
          ['last refreshed', ago(credential.lastRefreshedAt)],
          ['last error', credential.lastError],
          ['failed attempts', credential.attempts],
          ['vault key', credential.vaultKeyId],
        ]);
        out.line();
        out.table(
          ['when', 'action', 'outcome', 'by'],
          timeline.map((event) => [event.at, event.action, event.outcome, event.actor.name]),
          'No events yet.',
        );
      });
    });

  credentials
    .command('refresh <id>')
    .description('Refresh a credential now')
    .action(async (id: string, _options: unknown, command: Command) => {
      const credential = await context.api().post<Credential>(`${path(id)}/refresh`);
      const out = context.output(command);
      out.result(credential, () =>
        out.line(
          `Refreshed ${credential.id}: ${credential.status}, expires ${ago(credential.expiresAt)}.`,
        ),
      );
    });

  credentials
    .command('revoke <id>')
    .description('Revoke upstream where possible and erase the tokens')
    .option('--yes', 'confirm: the user must connect again')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      requireYes(options, `keyhouse credentials revoke ${id} --yes`);
      await context.api().delete(path(id));
      const out = context.output(command);
      out.result({ id, revoked: true }, () => out.line(`Revoked credential ${id}.`));
    });
}
