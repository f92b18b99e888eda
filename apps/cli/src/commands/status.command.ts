import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { ago } from '../output';

interface RefreshStatus {
  readonly credentials: Record<string, Record<string, number>>;
  readonly dueNow: number;
  readonly overdue: number;
  readonly leased: number;
  readonly schedulers: { id: string; startedAt: string; lastTickAt: string | null }[];
  readonly lastTickAt: string | null;
  readonly failures: { code: string; status: string; count: number }[];
}

interface VaultKeys {
  readonly activeKeyId: string;
  readonly pendingRewrap: number;
}

const STATUSES = ['active', 'needs_reauth', 'expired', 'revoked'];

export function registerStatus(program: Command, context: CommandContext): void {
  program
    .command('status')
    .description('Credentials by provider and status, the refresh queue, schedulers, vault')
    .action(async (_options: unknown, command: Command) => {
      const api = context.api();
      const [refresh, vault] = await Promise.all([
        api.get<RefreshStatus>('/admin/refresh/status'),
        api.get<VaultKeys>('/admin/vault/keys'),
      ]);
      const out = context.output(command);
      out.result({ refresh, vault }, () => {
        out.table(
          ['provider', ...STATUSES],
          Object.entries(refresh.credentials).map(([provider, counts]) => [
            provider,
            ...STATUSES.map((status) => counts[status] ?? 0),
          ]),
          'No credentials yet.',
        );
        out.fields([
          ['Due now', refresh.dueNow],
          ['Overdue', refresh.overdue],
          ['Being refreshed', refresh.leased],
          ['Last scheduler tick', ago(refresh.lastTickAt)],
          ['Schedulers', refresh.schedulers.length || 'none ticking: start a worker'],
          ['Vault active key', vault.activeKeyId],
          ['Waiting for re-wrap', vault.pendingRewrap],
        ]);
        if (refresh.failures.length > 0) {
          out.line();
          out.table(
            ['failing code', 'status', 'credentials'],
            refresh.failures.map((failure) => [failure.code, failure.status, failure.count]),
            '',
          );
        }
      });
    });
}
