export {
  createKeyhouseClient,
  type KeyhouseClient,
  type KeyhouseClientOptions,
  type ParticipantAccessTokenArgs,
  unwrap,
} from './client';
export {
  type FieldError,
  KeyhouseProblemError,
  type Problem,
  type ProblemCode,
  parseRetryAfter,
} from './problem';
export { retryingFetch, type RetryOptions } from './retry';
export type { components, operations, paths } from './schema';
export {
  type KeyhouseEvent,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
} from './webhooks';
