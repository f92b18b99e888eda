import { admin, type Page, query } from '../api';
import { formValues, h, replace } from '../dom';
import type { PageContext } from '../router';
import { badge, card, emptyState, errorBox, table, timestamp } from '../ui';

/** What GET /admin/webhooks answers per endpoint: never a signing secret. */
export interface AdminWebhook {
  readonly id: string;
  readonly team: string;
  readonly url: string;
  readonly events: string[];
  readonly description: string | null;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly health: {
    readonly pending: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly lastSucceededAt: string | null;
    readonly lastFailedAt: string | null;
  };
}

const HINTS = {
  validation_failed: 'A team name is 1 to 256 characters: correct the filter and press Filter.',
};

/**
 * One word for an endpoint's health, named after the status colours: the newest attempt
 * decides, since an endpoint that failed yesterday and succeeds now is healthy again.
 */
export function healthOf(webhook: AdminWebhook): { status: string; label: string } {
  const { pending, lastSucceededAt, lastFailedAt } = webhook.health;
  const lastFailure = lastFailedAt ? Date.parse(lastFailedAt) : -Infinity;
  const lastSuccess = lastSucceededAt ? Date.parse(lastSucceededAt) : -Infinity;
  if (lastFailedAt && lastFailure >= lastSuccess) {
    // A failed attempt with deliveries still pending is being retried.
    return pending > 0
      ? { status: 'retrying', label: 'retrying' }
      : { status: 'failed', label: 'failing' };
  }
  if (lastSucceededAt) {
    return { status: 'succeeded', label: 'healthy' };
  }
  return pending > 0
    ? { status: 'pending', label: 'queued' }
    : { status: 'idle', label: 'no deliveries yet' };
}

/** "3 succeeded · 1 failed · 0 pending", the failures in red when there are any. */
function deliveryCounts({ health }: AdminWebhook): HTMLElement {
  return h(
    'span',
    {},
    `${health.succeeded} succeeded · `,
    h('span', { class: health.failed > 0 ? 'bad' : '' }, `${health.failed} failed`),
    ` · ${health.pending} pending`,
  );
}

function webhookTable(webhooks: AdminWebhook[]): HTMLElement {
  return table(
    [
      'URL',
      'Events',
      'State',
      'Description',
      'Health',
      'Deliveries',
      'Last success',
      'Last failed attempt',
    ],
    webhooks.map((webhook) => {
      const health = healthOf(webhook);
      return [
        h('code', { 'data-webhook-id': webhook.id }, webhook.url),
        webhook.events.join(', '),
        webhook.enabled ? badge('enabled') : badge('disabled', 'paused'),
        webhook.description ?? '—',
        badge(health.status, health.label),
        deliveryCounts(webhook),
        timestamp(webhook.health.lastSucceededAt),
        timestamp(webhook.health.lastFailedAt),
      ];
    }),
    'webhooks-table',
  );
}

/** Endpoints grouped by team, teams in the order the API listed them first. */
function byTeam(webhooks: AdminWebhook[]): Map<string, AdminWebhook[]> {
  const teams = new Map<string, AdminWebhook[]>();
  for (const webhook of webhooks) {
    teams.set(webhook.team, [...(teams.get(webhook.team) ?? []), webhook]);
  }
  return teams;
}

export async function renderWebhooks({ main, params, navigate }: PageContext): Promise<void> {
  const team = params.get('team') ?? '';
  const form = h(
    'form',
    { class: 'filters', 'data-testid': 'webhook-filters' },
    h('label', {}, 'Team', h('input', { name: 'team', value: team })),
    h('button', { type: 'submit', class: 'button' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`/console/webhooks${query(formValues(form))}`);
  });
  const summary = h('section', { class: 'cards', 'data-testid': 'webhook-cards' });
  const list = h('div', {});
  main.append(h('h1', {}, 'Webhooks'), form, summary, list);

  const webhooks: AdminWebhook[] = [];
  const show = (error: unknown) => list.append(errorBox(error, HINTS));
  const load = async (cursor: string | null): Promise<void> => {
    const page = await admin.get<Page<AdminWebhook>>(
      `webhooks${query({ team, limit: 100, cursor })}`,
    );
    webhooks.push(...page.items);
    const troubled = webhooks.filter((webhook) =>
      ['failed', 'retrying'].includes(healthOf(webhook).status),
    ).length;
    replace(
      summary,
      card('Endpoints', webhooks.length, page.nextCursor ? 'more to load below' : undefined),
      card('Paused', webhooks.filter((webhook) => !webhook.enabled).length),
      card(
        'Failing or retrying',
        h('span', { class: troubled > 0 ? 'bad' : '' }, troubled),
        'by their latest attempt',
      ),
      card(
        'Deliveries pending',
        webhooks.reduce((sum, webhook) => sum + webhook.health.pending, 0),
      ),
    );
    replace(
      list,
      webhooks.length === 0
        ? team
          ? emptyState(
              `No webhook endpoints for team ${team}`,
              'Check the team name or clear the filter. Teams create endpoints with POST /v1/webhooks, using a key with the webhooks:write scope.',
            )
          : emptyState(
              'No webhook endpoints yet',
              'Teams create them with POST /v1/webhooks, using a key with the webhooks:write scope; their delivery health then shows here.',
            )
        : [...byTeam(webhooks)].map(([name, endpoints]) =>
            h(
              'section',
              { class: 'panel', 'data-team': name },
              h('h2', {}, `Team ${name}`),
              webhookTable(endpoints),
            ),
          ),
      page.nextCursor
        ? h(
            'button',
            {
              type: 'button',
              class: 'button',
              onclick: () => void load(page.nextCursor).catch(show),
            },
            'Load more',
          )
        : null,
    );
  };
  await load(null).catch(show);
}
