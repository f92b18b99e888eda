/** Every event type a team can read from /v1/events or subscribe a webhook to. */
export const EVENT_TYPES = [
  'credential.created',
  'credential.needs_reauth',
  'credential.recovered',
  'credential.expired',
  'credential.revoked',
  'credential.refresh_failing',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A webhook subscribed to `["*"]` receives every type. */
export const ALL_EVENTS = '*';

/** An event as the feed and webhook bodies show it. */
export interface EventView {
  readonly id: string;
  readonly type: EventType;
  readonly occurredAt: string;
  readonly team: string;
  readonly data: Record<string, unknown>;
}
