import type { IncomingMessage, ServerOptions } from 'node:http';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { registerJsonBodyParser } from '../validation/json-body';
import { registerBodyDrain } from './drain-unread-body';
import {
  answerExpectationAndConnect,
  frameworkErrorAnswer,
  problemClientErrorHandler,
} from './problem-framework-errors';
import { registerRequestGuards } from './request-guards';
import { DOCS_CONTENT_SECURITY_POLICY, registerSecurityHeaders } from './security-headers';

export interface HttpHardeningOptions {
  readonly production: boolean;
  readonly bodyLimitBytes: number;
  /** The whole request (head and body) must arrive within this, else 408. */
  readonly requestTimeoutMs: number;
  readonly requestIdOf: (request: IncomingMessage) => string;
}

/** Fastify constructor options: problem+json for router and parser errors, request timeouts. */
export function hardenedServerOptions(options: HttpHardeningOptions): Pick<
  FastifyServerOptions,
  'frameworkErrors' | 'clientErrorHandler' | 'requestTimeout'
> & {
  readonly http: ServerOptions;
} {
  return {
    frameworkErrors: frameworkErrorAnswer(options),
    clientErrorHandler: problemClientErrorHandler(options),
    requestTimeout: options.requestTimeoutMs,
    http: {
      // Checked by request-guards.ts, so the 400 is problem+json.
      requireHostHeader: false,
      headersTimeout: Math.min(options.requestTimeoutMs, 60_000),
      // How often Node looks for timed-out requests: a fraction of the timeout, so a slow
      // client is answered 408 close to the bound rather than up to 30 s late.
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, options.requestTimeoutMs / 4)),
    },
  };
}

/** Hooks and parsers on the built instance, before routes are registered. */
export function hardenHttp(fastify: FastifyInstance, options: HttpHardeningOptions): void {
  answerExpectationAndConnect(fastify.server, options);
  registerRequestGuards(fastify, options);
  registerJsonBodyParser(fastify);
  // Sixteen times the body limit: enough for any honest mistake, cheap to read.
  registerBodyDrain(fastify, Math.max(1024 * 1024, options.bodyLimitBytes * 16));
  registerSecurityHeaders(fastify, {
    production: options.production,
    pagePolicies: [{ prefix: '/docs', policy: DOCS_CONTENT_SECURITY_POLICY }],
  });
}
