import { admin, ApiProblem } from '../api';
import { h, replace } from '../dom';
import type { PageContext } from '../router';
import { badge, emptyState, errorBox, table, timestamp, whenConfirmed } from '../ui';
import { integrationForm } from './integration-form';
import type { AdminIntegration, CheckResult, IntegrationProvider } from './integration-types';

/** What to do about each outcome of a check, by the code Keyhouse classified it as. */
const CHECK_HINTS: Record<string, string> = {
  upstream_misconfigured:
    'The provider refused the stored keys: copy the current secret from its dashboard, replace it with Edit, then check again.',
  upstream_rejected:
    "The provider refused the test call: compare the settings (ids, keys) with the provider's dashboard.",
  upstream_unavailable:
    'The provider did not answer, or answered 5xx/429: check the base URL setting, or check again later.',
  upstream_malformed:
    "The answer was not the provider's API: check that the base URL setting points at it.",
  provider_not_configured: 'Fill in every setting and secret of the integration with Edit.',
  check_unsupported:
    'This provider has no harmless call: its keys are first used when a team mints a token.',
  internal_error: 'The check failed inside Keyhouse: see the gateway logs for the integration id.',
};

const HINTS = {
  conflict:
    'Keyhouse keeps an integration while live credentials use it: revoke them first, or move their teams to another integration.',
};

function teamsLabel(teams: string[]): string {
  return teams.includes('*') ? 'all teams (*)' : teams.join(', ');
}

function settingsList(settings: Record<string, string>): HTMLElement {
  return h(
    'ul',
    { class: 'plain' },
    Object.entries(settings).map(([name, value]) => h('li', {}, h('code', {}, name), ' ', value)),
  );
}

export async function renderIntegrations({ main }: PageContext): Promise<void> {
  const message = h('div', { class: 'message', 'data-testid': 'integration-message' });
  const list = h('div', { class: 'list-block' });
  const editor = h('div', {});
  const creator = h('div', {});
  main.append(
    h('h1', {}, 'Integrations'),
    h(
      'p',
      { class: 'muted' },
      'Provider apps, their settings and sealed secrets, for some teams or all. Secrets are write-only: Keyhouse shows their names and when they changed, never their values.',
    ),
    message,
    h('h2', {}, 'All integrations'),
    list,
    editor,
    creator,
  );

  let providers: IntegrationProvider[] = [];
  const reload = async () => {
    const { items } = await admin.get<{ items: AdminIntegration[] }>('integrations');
    replace(
      list,
      items.length === 0
        ? emptyState(
            'No integrations yet',
            'Add one below. A provider with neither an integration nor its environment variables answers 503 provider_not_configured.',
          )
        : integrationTable(items),
    );
  };
  const fail = (error: unknown) => replace(message, errorBox(error, HINTS));
  const done = (text: string) =>
    replace(message, h('div', { class: 'alert alert-ok', role: 'status' }, text));

  const check = async (integration: AdminIntegration) => {
    replace(message, h('p', { class: 'muted' }, `Checking ${integration.name}…`));
    const result = await admin.post<CheckResult>(`integrations/${integration.id}/check`);
    if (result.ok) {
      done(`Check passed: ${integration.provider} accepted the keys of ${integration.name}.`);
    } else {
      replace(
        message,
        errorBox(
          new ApiProblem(
            200,
            result.code,
            `Check failed for ${integration.name}: ${result.detail}`,
          ),
          CHECK_HINTS,
        ),
      );
    }
  };
  const edit = (integration: AdminIntegration) => {
    replace(message);
    replace(
      editor,
      integrationForm({
        providers,
        editing: integration,
        cancel: () => replace(editor),
        submit: async (body) => {
          const saved = await admin.patch<AdminIntegration>(`integrations/${integration.id}`, body);
          replace(editor);
          done(`Saved ${saved.name}. Every gateway process uses it within seconds.`);
          await reload();
        },
      }),
    );
    editor.scrollIntoView();
  };
  const remove = (integration: AdminIntegration) =>
    whenConfirmed(
      `Delete ${integration.name}?`,
      `Its teams fall back to a "*" integration of ${integration.provider}, or the environment keys. Keyhouse refuses while live credentials use it.`,
      'Delete',
      async () => {
        try {
          await admin.delete(`integrations/${integration.id}`);
          replace(editor);
          done(`Deleted ${integration.name}.`);
          await reload();
        } catch (error) {
          fail(error);
        }
      },
    );

  const integrationTable = (items: AdminIntegration[]) =>
    table(
      ['Provider', 'Name', 'Teams', 'User ids', 'Settings', 'Secrets', 'Secrets changed', ''],
      items.map((integration) => [
        h('strong', { 'data-integration-id': integration.id }, integration.provider),
        h(
          'span',
          {},
          integration.name,
          integration.readOnly ? h('span', { class: 'tag' }, 'read-only') : null,
        ),
        teamsLabel(integration.teams),
        integration.userIds === 'verbatim'
          ? badge('verbatim')
          : badge('derived', 'derived per team'),
        settingsList(integration.settings),
        h(
          'span',
          {},
          integration.secretFields.map((name) => h('code', { class: 'secret-name' }, name)),
        ),
        integration.readOnly ? 'from the environment' : timestamp(integration.secretsUpdatedAt),
        h(
          'div',
          { class: 'row-actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'button',
              'data-action': 'check',
              onclick: () => void check(integration).catch(fail),
            },
            'Check',
          ),
          integration.readOnly
            ? h('span', { class: 'muted' }, 'change its environment variables')
            : [
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button',
                    'data-action': 'edit',
                    onclick: () => edit(integration),
                  },
                  'Edit',
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button button-danger',
                    'data-action': 'delete',
                    onclick: () => remove(integration),
                  },
                  'Delete',
                ),
              ],
        ),
      ]),
      'integrations-table',
    );

  try {
    providers = (await admin.get<{ items: IntegrationProvider[] }>('integrations/providers')).items;
    replace(
      creator,
      integrationForm({
        providers,
        submit: async (body) => {
          const created = await admin.post<AdminIntegration>('integrations', body);
          done(`Added ${created.name} for ${teamsLabel(created.teams)}.`);
          await reload();
        },
      }),
    );
  } catch (error) {
    fail(error);
  }
  await reload();
}
