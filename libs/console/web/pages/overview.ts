import { admin } from '../api';
import { credentialsByProvider, lateness, type RefreshMinute, refreshesPerMinute } from '../charts';
import { h } from '../dom';
import type { PageContext } from '../router';
import { badge, card, emptyState, table, timestamp } from '../ui';

interface RefreshStatus {
  readonly credentials: Record<string, Record<string, number>>;
  readonly dueNow: number;
  readonly overdue: number;
  readonly leased: number;
  readonly schedulers: { id: string; startedAt: string; lastTickAt: string | null }[];
  readonly lastTickAt: string | null;
  readonly failures: { code: string; status: string; count: number }[];
}

interface RefreshHistory {
  readonly buckets: RefreshMinute[];
}

export async function renderOverview({ main }: PageContext): Promise<void> {
  const [status, history] = await Promise.all([
    admin.get<RefreshStatus>('refresh/status'),
    admin.get<RefreshHistory>('refresh/history?hours=3'),
  ]);
  const total = Object.values(status.credentials)
    .flatMap((byStatus) => Object.values(byStatus))
    .reduce((sum, count) => sum + count, 0);
  const refreshed = history.buckets.reduce(
    (sum, bucket) => sum + bucket.succeeded + bucket.retrying + bucket.failed,
    0,
  );
  main.append(
    h('h1', {}, 'Overview'),
    h(
      'section',
      { class: 'cards', 'data-testid': 'overview-cards' },
      card('Credentials', total),
      card('Due now', status.dueNow, 'waiting for the scheduler'),
      card(
        'Overdue',
        h('span', { class: status.overdue > 0 ? 'bad' : '' }, status.overdue),
        'active but already expired',
      ),
      card('Being refreshed', status.leased),
      card('Last scheduler tick', timestamp(status.lastTickAt)),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Credentials by provider and status'),
      total === 0
        ? emptyState('No credentials yet', 'They appear here once teams connect their users.')
        : credentialsByProvider(status.credentials),
    ),
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Refreshes per minute, last 3 hours'),
        refreshed === 0
          ? emptyState(
              'No refreshes in the last 3 hours',
              'Scheduled and on-demand refreshes appear here.',
            )
          : refreshesPerMinute(history.buckets),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Lateness after refresh time'),
        history.buckets.every((bucket) => bucket.latenessMaxSeconds === null)
          ? emptyState('No scheduled refreshes yet', 'How late the scheduler ran each refresh.')
          : lateness(history.buckets),
      ),
    ),
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Scheduler instances'),
        status.schedulers.length === 0
          ? emptyState(
              'No scheduler is ticking',
              'Start a worker or a gateway with REFRESH_ENABLED=true, or credentials will lapse.',
            )
          : table(
              ['Instance', 'Started', 'Last tick'],
              status.schedulers.map((instance) => [
                h('code', {}, instance.id),
                timestamp(instance.startedAt),
                timestamp(instance.lastTickAt),
              ]),
            ),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Current failures by code'),
        status.failures.length === 0
          ? emptyState('No failing credentials', 'Every credential refreshed on its last try.')
          : table(
              ['Code', 'Status', 'Credentials'],
              status.failures.map((failure) => [
                h('code', {}, failure.code),
                badge(failure.status),
                failure.count,
              ]),
            ),
      ),
    ),
  );
}
