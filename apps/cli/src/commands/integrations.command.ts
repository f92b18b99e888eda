import type { Command } from 'commander';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { gatherSecrets, type SecretOptions } from '../integration-secrets';
import { collect, putOnce, splitPair } from '../key-values';
import { ago, type Output } from '../output';
import { requireYes } from './clients.command';

/** One integration as the admin API answers it: secret names, never their values. */
interface Integration {
  readonly id: string;
  readonly provider: string;
  readonly name: string;
  readonly teams: string[];
  readonly settings: Record<string, string>;
  readonly secretFields: string[];
  readonly secretsUpdatedAt: string | null;
  readonly userIds: string;
  readonly readOnly: boolean;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

interface ProviderFields {
  readonly provider: string;
  readonly settings: { name: string; optional: boolean }[];
  readonly secrets: { name: string; optional: boolean }[];
  readonly upstreamUserIds: string;
}

type CheckResult = { ok: true } | { ok: false; code: string; detail: string };

interface ChangeOptions extends SecretOptions {
  readonly name?: string;
  readonly team: string[];
  readonly setting: string[];
  readonly userIds?: string;
}

interface CreateOptions extends ChangeOptions {
  readonly provider: string;
}

/** What to do after a failed check, by the code Keyhouse classified the failure as. */
const CHECK_HINTS: Record<string, string> = {
  upstream_misconfigured:
    'The provider refused the stored keys: replace the secret with the current one from its dashboard (keyhouse integrations update <id> --secret-stdin <name>), then check again.',
  upstream_rejected:
    "The provider refused the test call: compare the settings with the provider's dashboard (keyhouse integrations show <id>).",
  upstream_unavailable:
    'The provider did not answer, or answered 5xx/429: check the baseUrl setting, or check again later.',
  upstream_malformed: "The answer was not the provider's API: check the baseUrl setting.",
  provider_not_configured: 'Set every setting and secret of the integration with update.',
  check_unsupported:
    'This provider has no harmless call: its keys are first used when a team mints a token.',
  internal_error: 'The check failed inside Keyhouse: see the gateway logs for the integration id.',
};

const path = (id: string) => `/admin/integrations/${encodeURIComponent(id)}`;
const teamsOf = (values: string[]) => values.flatMap((value) => value.split(',')).filter(Boolean);
const settingsText = (settings: Record<string, string>) =>
  Object.entries(settings)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

function settingsOf(pairs: string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of pairs) {
    putOnce(settings, ...splitPair(pair, '--setting'));
  }
  return settings;
}

function printIntegration(out: Output, integration: Integration): void {
  out.result(integration, () =>
    out.fields([
      ['id', integration.id],
      ['provider', integration.provider],
      ['name', `${integration.name}${integration.readOnly ? ' (read-only: the environment)' : ''}`],
      ['teams', integration.teams.join(', ')],
      ['user ids', integration.userIds],
      ['settings', settingsText(integration.settings)],
      ['secrets', integration.secretFields.join(', ')],
      [
        'secrets changed',
        integration.readOnly ? 'from the environment' : ago(integration.secretsUpdatedAt),
      ],
      ['created', integration.createdAt],
      ['updated', integration.updatedAt],
    ]),
  );
}

/** The options create and update share: every secret source, settings, teams. */
function changeOptions(command: Command): Command {
  return command
    .option('--name <name>', 'what the app is for')
    .option(
      '--team <team>',
      'a team it serves, or * for all (repeatable, or comma-separated)',
      collect,
      [],
    )
    .option('--setting <name=value>', 'a setting, e.g. baseUrl=https://… (repeatable)', collect, [])
    .option(
      '--secret <name=value>',
      'a secret; lands in the shell history (repeatable)',
      collect,
      [],
    )
    .option(
      '--secret-env <name=VARIABLE>',
      'a secret read from an environment variable (repeatable)',
      collect,
      [],
    )
    .option('--secret-stdin <name>', 'a secret read from stdin (one; pipe it in)')
    .option('--user-ids <mode>', 'derived or verbatim: the user ids the upstream sees');
}

export function registerIntegrations(program: Command, context: CommandContext): void {
  const integrations = program
    .command('integrations')
    .description('Provider apps for teams: settings and sealed secrets (never printed)');

  integrations
    .command('list')
    .description('Every integration, the environment ones first (secret names only)')
    .action(async (_options: unknown, command: Command) => {
      const { items } = await context.api().get<{ items: Integration[] }>('/admin/integrations');
      const out = context.output(command);
      out.result({ items }, () =>
        out.table(
          ['id', 'provider', 'name', 'teams', 'user ids', 'settings', 'secrets', 'secrets changed'],
          items.map((integration) => [
            integration.id,
            integration.provider,
            `${integration.name}${integration.readOnly ? ' (read-only)' : ''}`,
            integration.teams.join(','),
            integration.userIds,
            settingsText(integration.settings),
            integration.secretFields.join(','),
            integration.readOnly ? 'environment' : ago(integration.secretsUpdatedAt),
          ]),
          'No integrations: add one with keyhouse integrations create.',
        ),
      );
    });

  integrations
    .command('providers')
    .description('The providers integrations can be made for, and their fields (? = optional)')
    .action(async (_options: unknown, command: Command) => {
      const { items } = await context
        .api()
        .get<{ items: ProviderFields[] }>('/admin/integrations/providers');
      const names = (fields: ProviderFields['settings']) =>
        fields.map((field) => `${field.name}${field.optional ? '?' : ''}`).join(' ');
      const out = context.output(command);
      out.result({ items }, () =>
        out.table(
          ['provider', 'settings', 'secrets', 'user ids'],
          items.map((provider) => [
            provider.provider,
            names(provider.settings),
            names(provider.secrets),
            provider.upstreamUserIds,
          ]),
          'No providers.',
        ),
      );
    });

  integrations
    .command('show <id>')
    .description('One integration (secret names only)')
    .action(async (id: string, _options: unknown, command: Command) => {
      printIntegration(context.output(command), await context.api().get<Integration>(path(id)));
    });

  changeOptions(
    integrations
      .command('create')
      .description(
        'Add a provider app for some teams (keyhouse integrations providers lists the fields)',
      )
      .requiredOption('--provider <provider>', 'e.g. stream-chat'),
  ).action(async (options: CreateOptions, command: Command) => {
    const teams = teamsOf(options.team);
    if (!options.name || teams.length === 0) {
      throw new CliError(
        ExitCode.Usage,
        'create needs --name and at least one --team',
        'For example: --name "growth chat" --team growth (or --team "*" for every team)',
      );
    }
    const created = await context.api().post<Integration>('/admin/integrations', {
      provider: options.provider,
      name: options.name,
      teams,
      settings: settingsOf(options.setting),
      secrets: await gatherSecrets(options, context.environment),
      ...(options.userIds ? { userIds: options.userIds } : {}),
    });
    printIntegration(context.output(command), created);
  });

  changeOptions(
    integrations
      .command('update <id>')
      .description(
        'Rename, move teams (--team replaces the list), change settings, replace secrets',
      ),
  ).action(async (id: string, options: ChangeOptions, command: Command) => {
    const teams = teamsOf(options.team);
    const settings = settingsOf(options.setting);
    const secrets = await gatherSecrets(options, context.environment);
    const body = {
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(teams.length > 0 ? { teams } : {}),
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
      ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
      ...(options.userIds ? { userIds: options.userIds } : {}),
    };
    if (Object.keys(body).length === 0) {
      throw new CliError(
        ExitCode.Usage,
        'Nothing to change',
        'Give --name, --team, --setting, a secret option or --user-ids (see --help).',
      );
    }
    printIntegration(
      context.output(command),
      await context.api().patch<Integration>(path(id), body),
    );
  });

  integrations
    .command('check <id>')
    .description('One harmless upstream call with the stored keys; exits 9 when it fails')
    .action(async (id: string, _options: unknown, command: Command) => {
      const result = await context.api().post<CheckResult>(`${path(id)}/check`);
      const out = context.output(command);
      if (result.ok) {
        out.result(result, () =>
          out.line(`Check passed: the provider accepted the keys of ${id}.`),
        );
        return;
      }
      // Scripts get the outcome on stdout; the error and hint go to stderr as for any failure.
      if (out.json) {
        out.result(result, () => undefined);
      }
      throw new CliError(
        ExitCode.OperationFailed,
        `Check failed (${result.code}): ${result.detail}`,
        CHECK_HINTS[result.code] ?? 'See the detail above, then check again.',
      );
    });

  integrations
    .command('delete <id>')
    .description('Delete an integration no live credential uses')
    .option('--yes', 'confirm: its teams fall back to a "*" integration or the environment')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      requireYes(options, `keyhouse integrations delete ${id} --yes`);
      await context.api().delete(path(id));
      const out = context.output(command);
      out.result({ id, deleted: true }, () => out.line(`Deleted integration ${id}.`));
    });
}
