import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { KeyhouseConfig } from '@keyhouse/config';
import { presentEvent } from '@keyhouse/events';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { deliveryRetryDelayMs } from './delivery-backoff';
import { type ClaimedDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookSecrets } from './webhook-secrets.service';
import { WebhookSender } from './webhook-sender';

/** Kept back from a lease for writing the result after a send that ran to its timeout. */
const WRITE_MARGIN_MS = 2_000;
const LEASE_SLACK_MS = 5_000;

/**
 * Sends due deliveries, where the scheduler runs. Like the refresh scheduler it works in
 * lanes (WEBHOOK_CONCURRENCY): a tick claims only as many deliveries as there are free
 * lanes, and starts each at once. It has its own timer and its own HTTP agent, and nothing
 * on the refresh path ever waits for it.
 *
 * No two processes send the same attempt: a claim holds a lease of two timeouts and some, a send
 * starts only while the lease still covers the whole timeout plus the write, and the result
 * is written under the claim's fencing token. A process killed mid-attempt leaves its lease
 * to run out; then another claims the delivery again (a new attempt, the same webhook-id).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookDispatcher');
  readonly owner = `wh-${hostname().slice(0, 24)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly lanes = new Set<Promise<void>>();
  private tickInProgress?: Promise<void>;
  private interval?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly secrets: WebhookSecrets,
    @Inject(WebhookSender) private readonly sender: WebhookSender,
  ) {}

  /** Twice the timeout and some: a send always starts with its whole timeout and the write covered. */
  get leaseMs(): number {
    return this.config.webhooks.timeoutMs * 2 + LEASE_SLACK_MS;
  }

  onApplicationBootstrap(): void {
    this.interval = setInterval(() => void this.tick(), this.config.webhooks.intervalMs);
    void this.tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.interval);
    await this.tickInProgress;
    await Promise.all(this.lanes);
    try {
      await this.deliveries.releaseAll(this.owner);
    } catch (error) {
      this.logger.warn(
        { err: error },
        'could not release delivery leases; they expire by themselves',
      );
    }
    await this.sender.close();
  }

  /** One tick; concurrent calls while a tick runs return that tick. */
  tick(): Promise<void> {
    if (this.stopping) {
      return Promise.resolve();
    }
    this.tickInProgress ??= this.runTick().finally(() => {
      this.tickInProgress = undefined;
    });
    return this.tickInProgress;
  }

  private async runTick(): Promise<void> {
    const { concurrency } = this.config.webhooks;
    try {
      while (!this.stopping && this.lanes.size < concurrency) {
        const wanted = concurrency - this.lanes.size;
        const claims = await this.deliveries.claimDue(this.owner, wanted, this.leaseMs / 1_000);
        for (const claim of claims) {
          this.startLane(claim);
        }
        if (claims.length < wanted) {
          break;
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'webhook tick failed');
    }
  }

  private startLane(claim: ClaimedDelivery): void {
    const lane: Promise<void> = this.deliver(claim)
      .catch((error: unknown) => {
        // Left leased: another process (or this one) takes it again once the lease runs out.
        this.logger.error(
          { err: error, deliveryId: claim.id.slice(0, 8) },
          'webhook delivery could not be recorded',
        );
      })
      .finally(() => {
        this.lanes.delete(lane);
        // A free lane: look for more at once rather than at the next interval.
        if (!this.stopping) {
          void this.tick();
        }
      });
    this.lanes.add(lane);
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    const [endpoint] = await this.endpoints.findByIds([claim.endpointId]);
    const event = (await this.deliveries.eventsByIds([claim.eventId])).get(claim.eventId);
    if (!endpoint || !event) {
      return; // deleted meanwhile; its deliveries went with it
    }
    const { timeoutMs, retryBaseMs, retryWindowSeconds } = this.config.webhooks;
    if (Date.now() + timeoutMs + WRITE_MARGIN_MS > claim.claimedAt + this.leaseMs) {
      return; // this process stalled; the lease runs out and the attempt is someone else's
    }
    const outcome = await this.sender.send({
      url: endpoint.url,
      eventId: event.id,
      body: JSON.stringify(presentEvent(event)),
      secrets: await this.secrets.signingSecrets(endpoint),
    });
    const written = outcome.delivered
      ? await this.deliveries.succeed(claim, outcome.status ?? 200)
      : await this.deliveries.fail(
          claim,
          outcome,
          deliveryRetryDelayMs(claim.attempt, retryBaseMs),
          retryWindowSeconds,
        );
    if (!written) {
      this.logger.warn({ deliveryId: claim.id.slice(0, 8) }, 'delivery result dropped: lease lost');
    } else if (!outcome.delivered) {
      this.logger.log(
        {
          deliveryId: claim.id.slice(0, 8),
          attempt: claim.attempt,
          status: outcome.status,
          error: outcome.error,
        },
        'webhook attempt failed',
      );
    }
  }
}
