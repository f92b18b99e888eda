import { AUDIT_ACTIONS } from '../../../audit/src/audit-action';
import { admin, type Page, query } from '../api';
import { formValues, h, replace } from '../dom';
import type { PageContext } from '../router';
import { emptyState, errorBox } from '../ui';
import { type AuditEvent, auditTable } from './timeline';

// The one list of audited actions: a plain constant, bundled as it is (nothing server-side).
const ACTIONS = AUDIT_ACTIONS;

export async function renderAudit({ main, params, navigate }: PageContext): Promise<void> {
  const filters = {
    team: params.get('team') ?? '',
    credentialId: params.get('credentialId') ?? '',
    action: params.get('action') ?? '',
  };
  const form = h(
    'form',
    { class: 'filters', 'data-testid': 'audit-filters' },
    h('label', {}, 'Team', h('input', { name: 'team', value: filters.team })),
    h(
      'label',
      {},
      'Credential id',
      h('input', { name: 'credentialId', value: filters.credentialId, size: 36 }),
    ),
    h(
      'label',
      {},
      'Action',
      h(
        'select',
        { name: 'action' },
        ['', ...ACTIONS].map((action) =>
          h('option', { value: action, selected: action === filters.action }, action || 'any'),
        ),
      ),
    ),
    h('button', { type: 'submit', class: 'button' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`/console/audit${query(formValues(form))}`);
  });
  const list = h('div', {});
  main.append(h('h1', {}, 'Audit'), form, list);

  const events: AuditEvent[] = [];
  const load = async (cursor: string | null): Promise<void> => {
    const page = await admin.get<Page<AuditEvent>>(
      `audit${query({ ...filters, limit: 100, cursor })}`,
    );
    events.push(...page.items);
    replace(
      list,
      events.length === 0
        ? emptyState(
            'No audit events match',
            'Clear a filter: every admin action and refresh is recorded.',
          )
        : auditTable(events),
      page.nextCursor
        ? h(
            'button',
            {
              type: 'button',
              class: 'button',
              onclick: () =>
                void load(page.nextCursor).catch((error: unknown) => list.append(errorBox(error))),
            },
            'Load more',
          )
        : null,
    );
  };
  await load(null);
}
