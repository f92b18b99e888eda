import { randomUUID } from 'node:crypto';
import { type Page, type PagePosition, RequestError, toPage } from '@keyhouse/common';
import { ALL_EVENTS } from '@keyhouse/events';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhookAddressGuard } from './webhook-address-guard';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { generateWebhookSecret, PREVIOUS_SECRET_LIFETIME_SECONDS } from './webhook-secret';
import { WebhookSecrets } from './webhook-secrets.service';
import {
  type AdminWebhookView,
  type DeliveryView,
  presentDelivery,
  presentWebhook,
  presentWebhookForAdmin,
  type WebhookView,
} from './webhook.view';
import { WebhookError, WebhookErrorCode } from './webhooks.errors';

/** A team's webhook endpoints: registration, changes, secret rotation, test events, deliveries. */
@Injectable()
export class WebhookEndpoints {
  constructor(
    private readonly dataSource: DataSource,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly secrets: WebhookSecrets,
    @Inject(WebhookAddressGuard) private readonly guard: WebhookAddressGuard,
  ) {}

  async create(team: string, input: CreateWebhookDto): Promise<WebhookView & { secret: string }> {
    const url = await this.guard.check(input.url);
    const endpoint = Object.assign(new WebhookEndpointEntity(), {
      id: randomUUID(),
      team,
      url: url.toString(),
      events: subscription(input.events),
      description: input.description ?? null,
      enabled: true,
    });
    const secret = generateWebhookSecret();
    await this.secrets.sealNew(endpoint, secret);
    await this.endpoints.insert(endpoint);
    return { ...presentWebhook(await this.require(team, endpoint.id)), secret };
  }

  async list(
    team: string,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<Page<WebhookView>> {
    return toPage(await this.endpoints.pageForTeam(team, after, limit), limit, presentWebhook);
  }

  async get(team: string, id: string): Promise<WebhookView> {
    return presentWebhook(await this.require(team, id));
  }

  async update(team: string, id: string, input: UpdateWebhookDto): Promise<WebhookView> {
    const url =
      input.url === undefined ? undefined : (await this.guard.check(input.url)).toString();
    const saved = await this.dataSource.transaction(async (manager) => {
      const endpoint = await this.lock(manager, team, id);
      Object.assign(endpoint, {
        ...(url !== undefined ? { url } : {}),
        ...(input.events !== undefined ? { events: subscription(input.events) } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      });
      return this.endpoints.save(manager, endpoint);
    });
    return presentWebhook(saved);
  }

  async remove(team: string, id: string): Promise<void> {
    if (!(await this.endpoints.deleteForTeam(team, id))) {
      throw notFound();
    }
  }

  /** A new current secret; the old one keeps signing too for 24 h. */
  async rotateSecret(team: string, id: string): Promise<{ secret: string }> {
    const secret = generateWebhookSecret();
    await this.dataSource.transaction(async (manager) => {
      const endpoint = await this.lock(manager, team, id);
      await this.secrets.rotate(
        endpoint,
        secret,
        new Date(Date.now() + PREVIOUS_SECRET_LIFETIME_SECONDS * 1_000),
      );
      await this.endpoints.save(manager, endpoint);
    });
    return { secret };
  }

  async sendTest(team: string, id: string): Promise<{ eventId: string }> {
    const endpoint = await this.require(team, id);
    if (!endpoint.enabled) {
      throw RequestError.conflict('the webhook is disabled; enable it to send a test');
    }
    const eventId = await this.deliveries.insertTestEvent(team, id);
    if (!eventId) {
      throw notFound();
    }
    return { eventId };
  }

  async listDeliveries(
    team: string,
    id: string,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<Page<DeliveryView>> {
    await this.require(team, id);
    return toPage(await this.deliveries.pageForEndpoint(id, after, limit), limit, presentDelivery);
  }

  async listForAdmin(
    team: string | undefined,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<Page<AdminWebhookView>> {
    const rows = await this.endpoints.pageForTeam(team, after, limit);
    const health = await this.endpoints.healthOf(rows.map((row) => row.id));
    return toPage(rows, limit, (row) => presentWebhookForAdmin(row, health.get(row.id)));
  }

  private async require(team: string, id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await this.endpoints.findForTeam(team, id);
    if (!endpoint) {
      throw notFound();
    }
    return endpoint;
  }

  private async lock(
    manager: Parameters<WebhookEndpointsRepository['lockForTeam']>[0],
    team: string,
    id: string,
  ): Promise<WebhookEndpointEntity> {
    const endpoint = await this.endpoints.lockForTeam(manager, team, id);
    if (!endpoint) {
      throw notFound();
    }
    return endpoint;
  }
}

/** `["*"]` stands alone: mixed with types it would only hide a mistake. */
function subscription(events: readonly string[]): string[] {
  if (events.includes(ALL_EVENTS) && events.length > 1) {
    throw RequestError.invalid([
      { field: 'events', message: 'events is either ["*"] or a list of event types' },
    ]);
  }
  return [...events];
}

function notFound(): WebhookError {
  return new WebhookError(WebhookErrorCode.EndpointNotFound, 'webhook was not found');
}
