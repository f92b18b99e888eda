import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * The process's root logger for whoever injects it. Request lines and request ids come from
 * Fastify hooks (request-logging.ts), not from a per-request child logger.
 */
@Module({})
export class LoggingModule {
  static forRoot(rootLogger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: ROOT_LOGGER, useValue: rootLogger }],
      exports: [ROOT_LOGGER],
    };
  }
}
