import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Fastify's `genReqId`: honour a sane incoming `X-Request-Id` (so ids follow a request
 * across services), else mint a UUID. The id is written back onto the raw request header
 * so code that only sees the raw request (framework error answers) uses the same id.
 */
export function generateRequestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  const id =
    typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  request.headers['x-request-id'] = id;
  return id;
}
