import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export { WebhookVerificationError };

/** An event as Keyhouse delivers it (and lists it at GET /v1/events). */
export interface KeyhouseEvent {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly team: string;
  readonly data: Record<string, unknown>;
}

export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;

/**
 * Checks a delivery's Standard Webhooks signature (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`; during a secret rotation any one of the signatures may match) and its
 * timestamp (5 minutes either way), then returns the event. Pass the body exactly as received,
 * before any JSON parsing. Throws WebhookVerificationError otherwise.
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Buffer,
): KeyhouseEvent {
  return new Webhook(secret).verify(body, plainHeaders(headers)) as KeyhouseEvent;
}

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      plain[name.toLowerCase()] = value;
    });
    return plain;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof value === 'string') {
      plain[name.toLowerCase()] = value;
    } else if (Array.isArray(value)) {
      plain[name.toLowerCase()] = value.join(' ');
    }
  }
  return plain;
}
