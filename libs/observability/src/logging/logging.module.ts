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
            autoLogging: { ignore: (request) => isQuietPath(request.url) },
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

function isQuietPath(url: string | undefined): boolean {
  return url === '/health/live' || url === '/health/ready' || url === '/metrics';
}
