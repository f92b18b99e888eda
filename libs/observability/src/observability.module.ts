import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import { HealthController } from './health/health.controller';
import { LoggingModule } from './logging/logging.module';
import { MetricsRegistry } from './metrics/metrics-registry';

/** Logs, metrics and health for an app. Global so any lib can inject `MetricsRegistry`. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(rootLogger: Logger, options: { http: boolean }): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggingModule.forRoot(rootLogger), ...(options.http ? [TerminusModule] : [])],
      controllers: options.http ? [HealthController] : [],
      providers: [MetricsRegistry],
      exports: [MetricsRegistry, LoggingModule],
    };
  }
}
