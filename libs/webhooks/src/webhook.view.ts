import type { WebhookDeliveryEntity } from './webhook-delivery.entity';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity';
import type { EndpointHealth } from './webhook-endpoints.repository';

/** An endpoint as its team sees it: never a secret (those are shown once, when made). */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  readonly enabled: boolean;
  readonly previousSecretExpiresAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AdminWebhookView extends WebhookView {
  readonly team: string;
  readonly health: {
    readonly pending: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly lastSucceededAt: string | null;
    readonly lastFailedAt: string | null;
  };
}

export interface DeliveryView {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: WebhookDeliveryEntity['status'];
  readonly attempts: number;
  readonly lastResponseStatus: number | null;
  readonly lastAttemptAt: string | null;
  readonly nextAttemptAt: string | null;
}

export function presentWebhook(endpoint: WebhookEndpointEntity): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    previousSecretExpiresAt: iso(endpoint.previousSecretExpiresAt),
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

export function presentWebhookForAdmin(
  endpoint: WebhookEndpointEntity,
  health: EndpointHealth | undefined,
): AdminWebhookView {
  return {
    ...presentWebhook(endpoint),
    team: endpoint.team,
    health: {
      pending: health?.pending ?? 0,
      succeeded: health?.succeeded ?? 0,
      failed: health?.failed ?? 0,
      lastSucceededAt: iso(health?.lastSucceededAt ?? null),
      lastFailedAt: iso(health?.lastFailedAt ?? null),
    },
  };
}

export function presentDelivery(delivery: WebhookDeliveryEntity): DeliveryView {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastResponseStatus: delivery.lastResponseStatus,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
  };
}

function iso(date: Date | null): string | null {
  return date ? new Date(date).toISOString() : null;
}
