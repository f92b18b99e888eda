import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Level, Logger } from 'pino';
import { requestContext } from './request-context';
import { serializeRequest, serializeResponse } from './root-logger';

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Every request runs inside its context (so any line logged while handling it carries its
 * `requestId`, through the root logger's mixin), and ends with one "request completed" line
 * at info (warn for a 4xx, error for a 5xx). The line is built only when its level is on:
 * at LOG_LEVEL=warn a served request costs one AsyncLocalStorage scope and nothing else, no
 * child logger, no serialising. Probes and scrapes are not logged unless they fail.
 * Registered first, before any other hook, so a request refused by a hook is logged too.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    requestContext.run({ requestId: String(request.id) }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = levelOf(reply.statusCode);
    if (logger.isLevelEnabled(level) && !(level === 'info' && isQuietPath(request.url))) {
      logger[level](completedLine(request, reply), 'request completed');
    }
    done();
  });
}

function levelOf(statusCode: number): Level {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

function completedLine(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  return {
    requestId: String(request.id),
    req: serializeRequest(request.raw),
    res: serializeResponse(reply.raw),
    responseTime: Math.round(reply.elapsedTime),
  };
}

/** Probes and scrapes arrive every few seconds; their lines would drown the real traffic. */
function isQuietPath(url: string): boolean {
  const query = url.indexOf('?');
  return QUIET_PATHS.has(query === -1 ? url : url.slice(0, query));
}
