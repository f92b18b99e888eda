import { formValues, h, replace } from '../dom';
import { errorBox } from '../ui';
import type { AdminIntegration, IntegrationProvider, ProviderField } from './integration-types';

const HINTS = {
  validation_failed: 'Correct the fields named above and save again.',
  conflict:
    'A provider has at most one integration per team, and one for "*": change the teams, or edit the integration that serves them.',
};

export interface IntegrationFormOptions {
  readonly providers: IntegrationProvider[];
  /** The integration being edited; absent when creating one. */
  readonly editing?: AdminIntegration;
  /** Sends the body to the admin API; a rejection is shown in the form. */
  submit(body: Record<string, unknown>): Promise<void>;
  cancel?(): void;
}

/** "growth, ops" or "growth ops" → ["growth", "ops"]. */
function teamsOf(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

function settingInput(field: ProviderField, current: string | undefined): HTMLElement {
  return h(
    'label',
    { title: field.description },
    field.name,
    h('input', {
      name: `setting:${field.name}`,
      type: field.kind === 'url' ? 'url' : 'text',
      value: current ?? '',
      placeholder: field.defaultValue ?? field.description,
      required: !field.optional && current === undefined,
      maxlength: 2048,
    }),
  );
}

/**
 * A secret is typed into a password field and goes out in one request: the console never
 * receives it back, so an edit form starts empty and an empty field keeps the stored value.
 */
function secretInput(field: ProviderField, editing: boolean): HTMLElement {
  return h(
    'label',
    { title: field.description },
    field.name,
    h('input', {
      name: `secret:${field.name}`,
      type: 'password',
      autocomplete: 'new-password',
      spellcheck: 'false',
      placeholder: editing ? 'leave empty to keep the stored one' : field.description,
      required: !editing && !field.optional,
      maxlength: 16384,
    }),
  );
}

/** Values of the `prefix:` fields that were filled in, by field name. */
function filled(values: Record<string, string>, prefix: string): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name.startsWith(prefix) && value !== '') {
      picked[name.slice(prefix.length)] = value;
    }
  }
  return picked;
}

function createBody(values: Record<string, string>): Record<string, unknown> {
  return {
    provider: values.provider,
    name: values.name,
    teams: teamsOf(values.teams ?? ''),
    settings: filled(values, 'setting:'),
    secrets: filled(values, 'secret:'),
    ...(values.userIds ? { userIds: values.userIds } : {}),
  };
}

/** Only what changed, so the audit trail says what the operator did. */
function updateBody(
  current: AdminIntegration,
  values: Record<string, string>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (values.name !== current.name) {
    body.name = values.name;
  }
  const teams = teamsOf(values.teams ?? '');
  if (teams.join(',') !== current.teams.join(',')) {
    body.teams = teams;
  }
  const settings = Object.fromEntries(
    Object.entries(filled(values, 'setting:')).filter(
      ([name, value]) => current.settings[name] !== value,
    ),
  );
  if (Object.keys(settings).length > 0) {
    body.settings = settings;
  }
  const secrets = filled(values, 'secret:');
  if (Object.keys(secrets).length > 0) {
    body.secrets = secrets;
  }
  if (values.userIds && values.userIds !== current.userIds) {
    body.userIds = values.userIds;
  }
  return body;
}

export function integrationForm(options: IntegrationFormOptions): HTMLFormElement {
  const { providers, editing } = options;
  const fields = h('div', { class: 'form-fields' });
  const message = h('div', { class: 'message form-message' });
  const providerSelect = h(
    'select',
    { name: 'provider', required: true, disabled: editing !== undefined },
    providers.map((provider) =>
      h(
        'option',
        { value: provider.provider, selected: provider.provider === editing?.provider },
        provider.provider,
      ),
    ),
  );
  const drawFields = () => {
    const provider = providers.find((known) => known.provider === providerSelect.value);
    replace(
      fields,
      provider
        ? [
            h(
              'fieldset',
              {},
              h('legend', {}, 'Settings'),
              provider.settings.map((field) => settingInput(field, editing?.settings[field.name])),
            ),
            h(
              'fieldset',
              {},
              h('legend', {}, editing ? 'Secrets (replace only)' : 'Secrets'),
              provider.secrets.map((field) => secretInput(field, editing !== undefined)),
            ),
            provider.upstreamUserIds === 'provider-owned'
              ? h(
                  'p',
                  { class: 'muted' },
                  `${provider.provider} owns its user ids: they go as they are.`,
                )
              : null,
          ]
        : null,
    );
  };
  providerSelect.addEventListener('change', drawFields);
  const userIds = h(
    'select',
    { name: 'userIds' },
    editing
      ? null
      : h('option', { value: '' }, 'default: verbatim for one team, derived otherwise'),
    ['derived', 'verbatim'].map((mode) =>
      h('option', { value: mode, selected: mode === editing?.userIds }, mode),
    ),
  );
  const form = h(
    'form',
    {
      class: 'panel create-form',
      'data-testid': editing ? 'edit-integration' : 'create-integration',
      autocomplete: 'off',
    },
    h('h2', {}, editing ? `Edit ${editing.provider}: ${editing.name}` : 'Add an integration'),
    h('label', {}, 'Provider', providerSelect),
    h(
      'label',
      {},
      'Name',
      h('input', { name: 'name', required: true, maxlength: 200, value: editing?.name ?? '' }),
    ),
    h(
      'label',
      { title: 'Comma-separated team names, or * for every team' },
      'Teams',
      h('input', {
        name: 'teams',
        required: true,
        placeholder: 'growth, ops  or  *',
        value: editing?.teams.join(', ') ?? '',
      }),
    ),
    h('label', { title: 'The user ids the upstream sees' }, 'User ids', userIds),
    fields,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'button button-primary' },
        editing ? 'Save changes' : 'Add integration',
      ),
      options.cancel
        ? h('button', { type: 'button', class: 'button', onclick: options.cancel }, 'Cancel')
        : null,
    ),
    message,
  );
  drawFields();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = { ...formValues(form), provider: providerSelect.value };
    const body = editing ? updateBody(editing, values) : createBody(values);
    if (editing && Object.keys(body).length === 0) {
      replace(message, h('div', { class: 'alert alert-ok', role: 'status' }, 'Nothing changed.'));
      return;
    }
    replace(message);
    options
      .submit(body)
      .then(() => {
        // What was typed into a secret field leaves the page with the request.
        form.reset();
        drawFields();
      })
      .catch((error: unknown) => replace(message, errorBox(error, HINTS)));
  });
  return form;
}
