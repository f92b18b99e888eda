import { admin, type Page } from '../api';
import { formValues, h, replace } from '../dom';
import type { PageContext } from '../router';
import { emptyState, errorBox, keyReveal, table, timestamp, whenConfirmed } from '../ui';

interface ApiClient {
  readonly id: string;
  readonly name: string;
  readonly team: string;
  readonly scopes: string[];
  readonly providers: string[];
  readonly development: boolean;
  readonly keyPrefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

const SCOPES = [
  'tokens:issue',
  'tokens:read',
  'credentials:write',
  'events:read',
  'webhooks:write',
  'admin',
];

export async function renderClients({ main }: PageContext): Promise<void> {
  const reveal = h('div', {});
  const message = h('div', { class: 'message' });
  const list = h('div', {});

  const reload = async () => {
    const items: ApiClient[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const answer: Page<ApiClient> = await admin.get(
        `clients?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      items.push(...answer.items);
      cursor = answer.nextCursor;
      if (!cursor) {
        break;
      }
    }
    replace(
      list,
      items.length === 0 ? emptyState('No clients', 'Create one above.') : clientTable(items),
    );
  };
  const act = async (run: () => Promise<ApiClient & { apiKey?: string }>, title: string) => {
    replace(message);
    try {
      const client = await run();
      replace(reveal, client.apiKey ? keyReveal(`${title}: ${client.name}`, client.apiKey) : null);
      await reload();
    } catch (error) {
      replace(message, errorBox(error));
    }
  };

  const clientTable = (items: ApiClient[]) =>
    table(
      ['Name', 'Team', 'Scopes', 'Providers', 'Key', 'Last used', 'Created', ''],
      items.map((client) => [
        h(
          'strong',
          {},
          client.name,
          client.development ? h('span', { class: 'tag' }, 'dev') : null,
        ),
        client.team,
        client.scopes.join(', '),
        client.providers.join(', '),
        h('code', {}, `${client.keyPrefix}…`),
        timestamp(client.lastUsedAt),
        timestamp(client.createdAt),
        h(
          'div',
          { class: 'row-actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'button',
              'data-action': 'rotate',
              onclick: () =>
                whenConfirmed(
                  `Rotate the key of ${client.name}?`,
                  'A new key is issued and the old one stops working at once.',
                  'Rotate',
                  () => act(() => admin.post(`clients/${client.id}/rotate`), 'New key'),
                ),
            },
            'Rotate',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'button button-danger',
              'data-action': 'delete',
              onclick: () =>
                whenConfirmed(
                  `Delete ${client.name}?`,
                  'Its key stops working at once. This cannot be undone.',
                  'Delete',
                  () =>
                    act(async () => {
                      await admin.delete(`clients/${client.id}`);
                      replace(reveal);
                      return client;
                    }, 'Deleted'),
                ),
            },
            'Delete',
          ),
        ),
      ]),
      'clients-table',
    );

  const form = h(
    'form',
    { class: 'panel create-form', 'data-testid': 'create-client' },
    h('h2', {}, 'Create a client'),
    h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 200 })),
    h('label', {}, 'Team', h('input', { name: 'team', required: true, maxlength: 256 })),
    h(
      'label',
      {},
      'Providers',
      h('input', { name: 'providers', value: '*', title: 'Comma-separated names, or * for all' }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Scopes'),
      SCOPES.map((scope) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', name: `scope:${scope}`, value: 'on' }),
          scope,
        ),
      ),
    ),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'development', value: 'on' }),
      'Development key',
    ),
    h('button', { type: 'submit', class: 'button button-primary' }, 'Create client'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = formValues(form);
    const body = {
      name: values.name,
      team: values.team,
      scopes: SCOPES.filter((scope) => values[`scope:${scope}`] === 'on'),
      providers: (values.providers ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
      ...(values.development === 'on' ? { development: true } : {}),
    };
    void act(async () => {
      const created = await admin.post<ApiClient & { apiKey: string }>('clients', body);
      form.reset();
      return created;
    }, 'Client created');
  });

  main.append(h('h1', {}, 'Clients'), reveal, message, form, h('h2', {}, 'All clients'), list);
  await reload();
}
