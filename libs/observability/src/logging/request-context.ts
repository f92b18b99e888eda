import { AsyncLocalStorage } from 'node:async_hooks';

/** What every line logged while handling a request carries. */
export interface RequestContext {
  readonly requestId: string;
}

/** Set for each request by the request-logging hook; read by the root logger's mixin. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The current request's fields for a log line (none outside a request). */
export function requestFields(): Partial<RequestContext> {
  const context = requestContext.getStore();
  return context ? { requestId: context.requestId } : {};
}
