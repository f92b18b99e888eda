import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * The worker serves probes and scrapes only, so it logs only those that fail, the line
 * shaped as the gateway's ("request completed", req and res through the root logger's
 * serializers). No per-request context: an AsyncLocalStorage scope, once entered, switches
 * on async hooks for the whole process, and every promise of every refresh would pay for
 * them (about a tenth of the worker's CPU by its profile) to tag lines nobody logs.
 */
export function registerProbeLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode >= 400) {
      logger[reply.statusCode >= 500 ? 'error' : 'warn'](
        {
          requestId: String(request.id),
          req: request.raw,
          res: reply.raw,
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
}
