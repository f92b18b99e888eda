import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { ago } from '../output';

/** One endpoint as GET /admin/webhooks lists it: the API never returns its signing secret. */
interface AdminWebhook {
  readonly id: string;
  readonly team: string;
  readonly url: string;
  readonly events: string[];
  readonly description: string | null;
  readonly enabled: boolean;
  readonly health: {
    readonly pending: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly lastSucceededAt: string | null;
    readonly lastFailedAt: string | null;
  };
}

/** The newest attempt decides, as in the console: failing, retrying, healthy, queued or idle. */
export function healthWord(health: AdminWebhook['health']): string {
  const lastFailure = health.lastFailedAt ? Date.parse(health.lastFailedAt) : -Infinity;
  const lastSuccess = health.lastSucceededAt ? Date.parse(health.lastSucceededAt) : -Infinity;
  if (health.lastFailedAt && lastFailure >= lastSuccess) {
    return health.pending > 0 ? 'retrying' : 'failing';
  }
  if (health.lastSucceededAt) {
    return 'healthy';
  }
  return health.pending > 0 ? 'queued' : 'idle';
}

export function registerWebhooks(program: Command, context: CommandContext): void {
  const webhooks = program
    .command('webhooks')
    .description("Teams' webhook endpoints and their delivery health (never a secret)");

  webhooks
    .command('list')
    .description('Every webhook endpoint with its delivery counts and last outcomes')
    .option('--team <team>', "only this team's endpoints")
    .action(async (options: { team?: string }, command: Command) => {
      const search = options.team === undefined ? '' : `?team=${encodeURIComponent(options.team)}`;
      const items = await context.api().all<AdminWebhook>(`/admin/webhooks${search}`);
      const out = context.output(command);
      out.result({ items }, () =>
        out.table(
          [
            'team',
            'id',
            'url',
            'events',
            'state',
            'health',
            'pending',
            'succeeded',
            'failed',
            'last success',
            'last failure',
          ],
          items.map((webhook) => [
            webhook.team,
            webhook.id,
            webhook.url,
            webhook.events.join(','),
            webhook.enabled ? 'enabled' : 'paused',
            healthWord(webhook.health),
            webhook.health.pending,
            webhook.health.succeeded,
            webhook.health.failed,
            ago(webhook.health.lastSucceededAt),
            ago(webhook.health.lastFailedAt),
          ]),
          options.team === undefined
            ? 'No webhook endpoints yet: teams create them with POST /v1/webhooks (webhooks:write).'
            : `No webhook endpoints for team ${options.team}: check the name, or drop --team.`,
        ),
      );
    });
}
