import type { Command } from 'commander';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { ago, type Output } from '../output';

interface ApiClient {
  readonly id: string;
  readonly name: string;
  readonly team: string;
  readonly scopes: string[];
  readonly providers: string[];
  readonly development: boolean;
  readonly keyPrefix: string;
  readonly lastUsedAt: string | null;
  readonly createdAt: string;
  readonly apiKey?: string;
}

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function printWithKey(out: Output, client: ApiClient, what: string): void {
  out.result(client, () => {
    out.line(`${what} ${client.name} (${client.id}), team ${client.team}`);
    out.line(`API key, shown this once: ${client.apiKey ?? ''}`);
  });
}

export function registerClients(program: Command, context: CommandContext): void {
  const clients = program.command('clients').description('API clients and their keys');

  clients
    .command('list')
    .description('Every API client (key prefixes only)')
    .action(async (_options: unknown, command: Command) => {
      const items = await context.api().all<ApiClient>('/admin/clients');
      const out = context.output(command);
      out.result({ items }, () =>
        out.table(
          ['id', 'name', 'team', 'scopes', 'providers', 'key', 'last used'],
          items.map((client) => [
            client.id,
            client.name,
            client.team,
            client.scopes.join(','),
            client.providers.join(','),
            `${client.keyPrefix}…`,
            ago(client.lastUsedAt),
          ]),
          'No clients.',
        ),
      );
    });

  clients
    .command('create')
    .description('Create a client; its key is printed this once')
    .requiredOption('--name <name>', 'what the client is for')
    .requiredOption('--team <team>', 'the team whose users it serves')
    .requiredOption('--scopes <list>', 'comma-separated, e.g. tokens:issue,tokens:read', list)
    .option('--providers <list>', 'comma-separated provider names, or *', list, ['*'])
    .option('--max-role <role>', 'highest api.stream role it may mint')
    .option('--development', 'a development key (short tokens, low roles)')
    .action(async (options: CreateOptions, command: Command) => {
      const created = await context.api().post<ApiClient>('/admin/clients', {
        name: options.name,
        team: options.team,
        scopes: options.scopes,
        providers: options.providers,
        ...(options.maxRole ? { maxRole: options.maxRole } : {}),
        ...(options.development ? { development: true } : {}),
      });
      printWithKey(context.output(command), created, 'Created');
    });

  clients
    .command('rotate <id>')
    .description('Issue a new key; the old one stops working at once')
    .action(async (id: string, _options: unknown, command: Command) => {
      const rotated = await context
        .api()
        .post<ApiClient>(`/admin/clients/${encodeURIComponent(id)}/rotate`);
      printWithKey(context.output(command), rotated, 'Rotated the key of');
    });

  clients
    .command('delete <id>')
    .description('Delete a client; its key stops working at once')
    .option('--yes', 'confirm: this cannot be undone')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      requireYes(options, `keyhouse clients delete ${id} --yes`);
      await context.api().delete(`/admin/clients/${encodeURIComponent(id)}`);
      const out = context.output(command);
      out.result({ id, deleted: true }, () => out.line(`Deleted client ${id}.`));
    });
}

interface CreateOptions {
  readonly name: string;
  readonly team: string;
  readonly scopes: string[];
  readonly providers: string[];
  readonly maxRole?: string;
  readonly development?: boolean;
}

export function requireYes(options: { yes?: boolean }, example: string): void {
  if (!options.yes) {
    throw new CliError(
      ExitCode.Usage,
      'This cannot be undone, so it needs --yes',
      `Run: ${example}`,
    );
  }
}
