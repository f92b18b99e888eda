import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import type { WebhookAddressGuard } from './webhook-address-guard';
import { WebhookError } from './webhooks.errors';

export interface OutgoingDelivery {
  readonly url: string;
  /** The event id: the same `webhook-id` on every retry, so receivers can deduplicate. */
  readonly eventId: string;
  readonly body: string;
  /** Current secret first; during a rotation the previous one too. */
  readonly secrets: readonly string[];
}

export interface SendOutcome {
  readonly delivered: boolean;
  readonly status: number | null;
  /** Why there is no 2xx: timeout, connection_failed, address_refused, or null with a status. */
  readonly error: string | null;
}

/**
 * Sends one signed delivery per Standard Webhooks. The HTTP agent connects only to
 * addresses the guard resolved and checked; redirects are never followed (undici's
 * `request` does not follow them, and a 3xx counts as a failure); the whole exchange is
 * bounded by the timeout, and the response body is discarded.
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(
    private readonly guard: WebhookAddressGuard,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({
      connect: { lookup: guard.lookup, timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  async send(delivery: OutgoingDelivery): Promise<SendOutcome> {
    let url: URL;
    try {
      url = await this.guard.check(delivery.url);
    } catch {
      return { delivered: false, status: null, error: 'address_refused' };
    }
    const timestamp = new Date();
    const signature = delivery.secrets
      .map((secret) => new Webhook(secret).sign(delivery.eventId, timestamp, delivery.body))
      .join(' ');
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Keyhouse-Webhooks/1',
          'webhook-id': delivery.eventId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1_000)),
          'webhook-signature': signature,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      const delivered = response.statusCode >= 200 && response.statusCode < 300;
      return { delivered, status: response.statusCode, error: null };
    } catch (error) {
      return { delivered: false, status: null, error: failureCode(error) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function failureCode(error: unknown): string {
  if (hasCause(error, (cause) => cause instanceof WebhookError)) {
    return 'address_refused';
  }
  if (
    hasCause(error, (cause) => {
      const { name, code } = cause as { name?: string; code?: string };
      return name === 'TimeoutError' || name === 'AbortError' || /TIMEOUT/.test(code ?? '');
    })
  ) {
    return 'timeout';
  }
  return 'connection_failed';
}

function hasCause(error: unknown, test: (cause: object) => boolean): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current === 'object' && test(current)) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
