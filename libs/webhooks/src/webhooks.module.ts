import { KeyhouseConfig } from '@keyhouse/config';
import { EventEntity, EventsModule } from '@keyhouse/events';
import { VaultModule } from '@keyhouse/vault';
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminWebhooksController } from './admin-webhooks.controller';
import {
  type ResolveAll,
  systemResolver,
  WEBHOOK_RESOLVER,
  WebhookAddressGuard,
} from './webhook-address-guard';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookSecretRewrap } from './webhook-secret-rewrap';
import { WebhookSecrets } from './webhook-secrets.service';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';

export interface WebhooksModuleOptions {
  /** Send deliveries from this process (where the scheduler runs). */
  readonly scheduler: boolean;
  /** Serve /v1/webhooks and /admin/webhooks. */
  readonly http: boolean;
}

/** The event feed (EventsModule), webhook endpoints per team, and signed delivery of their events. */
@Module({})
export class WebhooksModule {
  static forRoot(options: WebhooksModuleOptions): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [
        TypeOrmModule.forFeature([WebhookEndpointEntity, WebhookDeliveryEntity, EventEntity]),
        VaultModule,
        EventsModule.forRoot(options),
      ],
      controllers: options.http ? [WebhooksController, AdminWebhooksController] : [],
      providers: [
        { provide: WEBHOOK_RESOLVER, useValue: systemResolver },
        {
          provide: WebhookAddressGuard,
          inject: [KeyhouseConfig, WEBHOOK_RESOLVER],
          useFactory: (config: KeyhouseConfig, resolve: ResolveAll) =>
            new WebhookAddressGuard(config.webhooks.allowPrivateNetworks, resolve),
        },
        {
          provide: WebhookSender,
          inject: [WebhookAddressGuard, KeyhouseConfig],
          useFactory: (guard: WebhookAddressGuard, config: KeyhouseConfig) =>
            new WebhookSender(guard, config.webhooks.timeoutMs),
        },
        WebhookEndpointsRepository,
        WebhookDeliveriesRepository,
        WebhookSecrets,
        WebhookSecretRewrap,
        WebhookEndpoints,
        ...(options.scheduler ? [WebhookDispatcher] : []),
      ],
      exports: [WebhookEndpoints],
    };
  }
}
