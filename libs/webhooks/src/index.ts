export {
  isForbiddenAddress,
  type ResolveAll,
  type ResolvedAddress,
  WEBHOOK_RESOLVER,
  WebhookAddressGuard,
} from './webhook-address-guard';
export { deliveryRetryDelayMs } from './delivery-backoff';
export {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  WebhookDeliveryEntity,
} from './webhook-delivery.entity';
export { WebhookDispatcher } from './webhook-dispatcher.service';
export { WebhookEndpointEntity } from './webhook-endpoint.entity';
export { WebhookEndpoints } from './webhook-endpoints.service';
export { generateWebhookSecret } from './webhook-secret';
export { WebhookSender } from './webhook-sender';
export { WebhookError, WebhookErrorCode } from './webhooks.errors';
export { WebhooksModule, type WebhooksModuleOptions } from './webhooks.module';
