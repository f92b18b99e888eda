import { h } from '../dom';
import { badge, emptyState, table, timestamp } from '../ui';

export interface AuditEvent {
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly outcome: string;
  readonly actor: { kind: string; name: string; team: string | null };
  readonly team: string | null;
  readonly userId: string | null;
  readonly provider: string | null;
  readonly credentialId: string | null;
  readonly targetClientId: string | null;
  readonly details: Record<string, string | number | boolean | null>;
}

export function detailsText(details: AuditEvent['details']): string {
  return Object.entries(details)
    .filter(([, value]) => value !== null)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(', ');
}

export function actorText(event: AuditEvent): string {
  return event.actor.team ? `${event.actor.name} (${event.actor.team})` : event.actor.name;
}

export function timeline(events: readonly AuditEvent[]): HTMLElement {
  if (events.length === 0) {
    return emptyState('No events yet', 'Refreshes, reads and revocations appear here.');
  }
  return h(
    'ol',
    { class: 'timeline', 'data-testid': 'timeline' },
    events.map((event) =>
      h(
        'li',
        { 'data-action': event.action },
        badge(event.outcome),
        h('strong', {}, event.action),
        h('span', { class: 'muted' }, ' by ', actorText(event), ' · '),
        timestamp(event.at),
        Object.keys(event.details).length > 0
          ? h('div', { class: 'muted' }, detailsText(event.details))
          : null,
      ),
    ),
  );
}

export function auditTable(events: readonly AuditEvent[]): HTMLElement {
  return table(
    ['When', 'Action', 'Outcome', 'Actor', 'Team', 'Target', 'Details'],
    events.map((event) => [
      timestamp(event.at),
      h('code', {}, event.action),
      badge(event.outcome),
      actorText(event),
      event.team ?? '—',
      event.credentialId
        ? h(
            'a',
            { href: `/console/credentials/${event.credentialId}`, 'data-link': true },
            event.credentialId.slice(0, 8),
          )
        : event.targetClientId
          ? `client ${event.targetClientId.slice(0, 8)}`
          : '—',
      detailsText(event.details) || '—',
    ]),
    'audit-table',
  );
}
