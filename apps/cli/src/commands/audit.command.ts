import type { Command } from 'commander';
import type { Page } from '../admin-api';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import type { Output } from '../output';

export interface AuditEvent {
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly outcome: string;
  readonly actor: { kind: string; name: string; team: string | null };
  readonly team: string | null;
  readonly credentialId: string | null;
  readonly targetClientId: string | null;
  readonly details: Record<string, unknown>;
}

interface TailOptions {
  readonly team?: string;
  readonly action?: string;
  readonly credentialId?: string;
  readonly lines: string;
  readonly interval: string;
  readonly follow: boolean;
}

/** Pages read per poll at most: a burst larger than this is summarised, not replayed. */
const MAX_PAGES_PER_POLL = 10;
const SEEN_LIMIT = 5_000;

function print(out: Output, event: AuditEvent): void {
  if (out.json) {
    out.line(JSON.stringify(event)); // One event per line (NDJSON), for `jq` and friends.
    return;
  }
  const target = event.credentialId
    ? ` credential ${event.credentialId}`
    : event.targetClientId
      ? ` client ${event.targetClientId}`
      : '';
  const details = Object.entries(event.details)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
  out.line(
    `${event.at}  ${event.action.padEnd(26)} ${event.outcome.padEnd(7)} ${event.actor.name}${event.team ? ` [${event.team}]` : ''}${target}${details ? `  ${details}` : ''}`,
  );
}

export function registerAudit(program: Command, context: CommandContext): void {
  program
    .command('audit')
    .description('The audit trail')
    .command('tail')
    .description('Print the latest audit events, then follow new ones (Ctrl+C stops)')
    .option('--team <team>')
    .option('--action <action>', 'e.g. credential.refreshed')
    .option('--credential-id <id>')
    .option('-n, --lines <n>', 'how many past events to print first', '20')
    .option('--interval <seconds>', 'how often to look for new events', '2')
    .option('--no-follow', 'print the latest events and exit')
    .action(async (options: TailOptions, command: Command) => {
      const lines = Number(options.lines);
      const intervalMs = Number(options.interval) * 1_000;
      if (!Number.isInteger(lines) || lines < 0 || lines > 200 || !(intervalMs >= 200)) {
        throw new CliError(
          ExitCode.Usage,
          'Bad --lines or --interval',
          '--lines is 0 to 200, --interval at least 0.2 seconds.',
        );
      }
      const api = context.api();
      const out = context.output(command);
      const search = new URLSearchParams();
      for (const [name, value] of [
        ['team', options.team],
        ['action', options.action],
        ['credentialId', options.credentialId],
      ] as const) {
        if (value !== undefined) {
          search.set(name, value);
        }
      }
      const seen = new Set<string>();
      const newest = async (pages: number): Promise<AuditEvent[]> => {
        const fresh: AuditEvent[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < pages; page++) {
          const answer: Page<AuditEvent> = await api.get(
            `/admin/audit?${search.toString()}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          const unseen = answer.items.filter((event) => !seen.has(event.id));
          fresh.push(...unseen);
          cursor = answer.nextCursor;
          if (!cursor || unseen.length < answer.items.length) {
            break;
          }
        }
        return fresh.reverse(); // Oldest first, as a log reads.
      };
      const remember = (events: AuditEvent[]) => {
        for (const event of events) {
          seen.add(event.id);
        }
        while (seen.size > SEEN_LIMIT) {
          seen.delete(seen.values().next().value as string);
        }
      };

      const first = await newest(1);
      remember(first);
      first.slice(Math.max(0, first.length - lines)).forEach((event) => print(out, event));
      while (options.follow) {
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
        const events = await newest(MAX_PAGES_PER_POLL);
        remember(events);
        events.forEach((event) => print(out, event));
      }
    });
}
