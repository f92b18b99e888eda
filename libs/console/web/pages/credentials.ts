import { admin, type Page, query } from '../api';
import { formValues, h, replace } from '../dom';
import type { PageContext } from '../router';
import type { IntegrationProvider } from './integration-types';
import { badge, emptyState, errorBox, table, timestamp } from '../ui';

export interface AdminCredential {
  readonly id: string;
  readonly team: string;
  readonly provider: string;
  readonly userId: string;
  readonly accountId: string | null;
  readonly status: string;
  readonly expiresAt: string | null;
  readonly refreshTokenExpiresAt: string | null;
  readonly refreshAt: string | null;
  readonly lastRefreshedAt: string | null;
  readonly lastError: string | null;
  readonly attempts: number;
  readonly vaultKeyId: string | null;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const STATUSES = ['', 'active', 'needs_reauth', 'expired', 'revoked'];
const WITHIN: [string, string][] = [
  ['', 'any time'],
  ['3600', '1 hour'],
  ['86400', '24 hours'],
  ['604800', '7 days'],
];

function select(name: string, options: [string, string][], value: string): HTMLSelectElement {
  return h(
    'select',
    { name },
    options.map(([optionValue, label]) =>
      h('option', { value: optionValue, selected: optionValue === value }, label),
    ),
  );
}

export async function renderCredentials({ main, params, navigate }: PageContext): Promise<void> {
  const filters = {
    team: params.get('team') ?? '',
    provider: params.get('provider') ?? '',
    status: params.get('status') ?? '',
    expiringWithinSeconds: params.get('expiringWithinSeconds') ?? '',
  };
  // The providers this gateway knows, from the API, so the filter never lags the registry.
  const providers = (
    await admin.get<{ items: IntegrationProvider[] }>('integrations/providers')
  ).items.map((known) => known.provider);
  const form = h(
    'form',
    { class: 'filters', 'data-testid': 'credential-filters' },
    h('label', {}, 'Team', h('input', { name: 'team', value: filters.team })),
    h(
      'label',
      {},
      'Provider',
      select(
        'provider',
        ['', ...providers].map((p) => [p, p || 'any']),
        filters.provider,
      ),
    ),
    h(
      'label',
      {},
      'Status',
      select(
        'status',
        STATUSES.map((s) => [s, s ? s.replace('_', ' ') : 'any']),
        filters.status,
      ),
    ),
    h(
      'label',
      {},
      'Expiring within',
      select('expiringWithinSeconds', WITHIN, filters.expiringWithinSeconds),
    ),
    h('button', { type: 'submit', class: 'button' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`/console/credentials${query(formValues(form))}`);
  });
  const list = h('div', {});
  main.append(h('h1', {}, 'Credentials'), form, list);

  const rows: AdminCredential[] = [];
  const load = async (cursor: string | null) => {
    const page = await admin.get<Page<AdminCredential>>(
      `credentials${query({ ...filters, limit: 50, cursor })}`,
    );
    rows.push(...page.items);
    const more = page.nextCursor
      ? h(
          'button',
          {
            type: 'button',
            class: 'button',
            onclick: () => void load(page.nextCursor).catch(show),
          },
          'Load more',
        )
      : null;
    replace(
      list,
      rows.length === 0
        ? emptyState('No credentials match', 'Clear a filter, or wait for teams to connect users.')
        : table(
            ['Credential', 'Team', 'User', 'Provider', 'Status', 'Expires', 'Last error'],
            rows.map((credential) => [
              h(
                'a',
                { href: `/console/credentials/${credential.id}`, 'data-link': true },
                credential.id.slice(0, 8),
              ),
              credential.team,
              credential.userId,
              credential.provider,
              badge(credential.status),
              timestamp(credential.expiresAt),
              credential.lastError ? h('code', {}, credential.lastError) : '—',
            ]),
            'credentials-table',
          ),
      more,
    );
  };
  const show = (error: unknown) => list.append(errorBox(error));
  await load(null);
}
