import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { serializeRequest, serializeResponse } from './root-logger';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * nestjs-pino over the process's root logger: every line written while handling a request
 * carries its `requestId` (taken from AsyncLocalStorage), wherever in the code it is logged.
 */
@Module({})
export class LoggingModule {
  static forRoot(rootLogger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: rootLogger,
            quietReqLogger: true,
            // pino-http brings its own serialisers (with headers); ours log no headers at all.
            serializers: { req: serializeRequest, res: serializeResponse },
            customAttributeKeys: { reqId: 'requestId' },
            // Fastify generated the id (see request-id.ts) and put it on the raw request.
            genReqId: (request) => request.headers['x-request-id'] as string,
            autoLogging: { ignore: (request) => isQuietPath(originalUrl(request)) },
            customLogLevel: (_request, response, error) =>
              error || response.statusCode >= 500
                ? 'error'
                : response.statusCode >= 400
                  ? 'warn'
                  : 'info',
          },
        }),
      ],
      providers: [{ provide: ROOT_LOGGER, useValue: rootLogger }],
      exports: [ROOT_LOGGER],
    };
  }
}

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** Probes and scrapes arrive every few seconds; their lines would drown the real traffic. */
function isQuietPath(url: string | undefined): boolean {
  return QUIET_PATHS.has((url ?? '').split('?')[0]);
}

/**
 * Nest runs this middleware through @fastify/middie, which strips the mount path from
 * `url` while middleware runs (it would read "/" here); the path asked for is `originalUrl`.
 */
function originalUrl(request: IncomingMessage & { originalUrl?: string }): string | undefined {
  return request.originalUrl ?? request.url;
}
