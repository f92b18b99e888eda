import { GRACEFUL_HTTP_OPTIONS } from '@keyhouse/common';
import type { KeyhouseConfig } from '@keyhouse/config';
import {
  generateRequestId,
  MetricsRegistry,
  PinoNestLogger,
  registerHttpMetrics,
} from '@keyhouse/observability';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { registerProbeLogging } from './probe-logging';
import { WorkerModule } from './worker.module';

/**
 * The worker on a small Fastify server of its own (WORKER_PORT): /health/live,
 * /health/ready and /metrics, so a split deployment can probe and scrape its refresh engine.
 * It serves nothing else.
 */
export async function createWorkerApp(
  config: KeyhouseConfig,
  rootLogger: Logger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: generateRequestId,
    logger: false,
    trustProxy: false,
    ...GRACEFUL_HTTP_OPTIONS,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    WorkerModule.register(config, rootLogger),
    adapter,
    { logger: new PinoNestLogger(rootLogger), abortOnError: false, bodyParser: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  registerProbeLogging(fastify, rootLogger);
  registerHttpMetrics(fastify, app.get(MetricsRegistry));
  await app.init();
  return app;
}
