import {
  GRACEFUL_HTTP_OPTIONS,
  hardenedServerOptions,
  hardenHttp,
  type HttpHardeningOptions,
} from '@keyhouse/common';
import type { KeyhouseConfig } from '@keyhouse/config';
import { PROVIDER_REGISTRY, type ProviderDefinition } from '@keyhouse/providers';
import {
  generateRequestId,
  MetricsRegistry,
  PinoNestLogger,
  registerHttpMetrics,
  registerRequestLogging,
} from '@keyhouse/observability';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { serveDirectRoutes } from './direct-routes';
import { GatewayModule } from './gateway.module';
import { buildOpenApiDocument } from './openapi/openapi-document';

/**
 * Builds the gateway on Fastify, ready to listen: used by main.ts and, unchanged, by the
 * end-to-end tests (which pass their own config and a capturing logger).
 */
export async function createGatewayApp(
  config: KeyhouseConfig,
  rootLogger: Logger,
  providers: readonly ProviderDefinition[] = PROVIDER_REGISTRY,
): Promise<NestFastifyApplication> {
  const hardening = hardeningOptions(config);
  const adapter = new FastifyAdapter({
    ...hardenedServerOptions(hardening),
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: generateRequestId,
    logger: false,
    trustProxy: false,
    routerOptions: { maxParamLength: 512 },
    // Keyhouse mounts no Nest middleware; without middie a request skips its hook.
    skipMiddie: true,
    ...GRACEFUL_HTTP_OPTIONS,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register(config, rootLogger, providers),
    adapter,
    {
      logger: new PinoNestLogger(rootLogger),
      // Boot failures (a missing vault key, an unreachable database) reject to the caller,
      // which prints them and exits; Nest's default would exit without saying why to tests.
      abortOnError: false,
      // JSON only: Fastify's own JSON parser (with bodyLimit) stays; Nest's form parser is
      // not registered, so any other content type is a 415 rather than a half-parsed body.
      bodyParser: false,
    },
  );

  const fastify = app.getHttpAdapter().getInstance();
  // First: every later hook, guard and handler runs inside the request's log context.
  registerRequestLogging(fastify, rootLogger);
  // Fastify parses text/plain into a string by default; refuse it like any non-JSON body.
  fastify.removeContentTypeParser('text/plain');
  hardenHttp(fastify, hardening);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  registerHttpMetrics(fastify, app.get(MetricsRegistry));
  setUpOpenApi(app);
  serveDirectRoutes(app);
  await app.init();
  return app;
}

function hardeningOptions(config: KeyhouseConfig): HttpHardeningOptions {
  return {
    production: config.isProduction,
    bodyLimitBytes: config.http.bodyLimitBytes,
    requestTimeoutMs: config.http.requestTimeoutMs,
    requestIdOf: generateRequestId,
  };
}

function setUpOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app));
}
