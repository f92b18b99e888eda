export { generateRequestId } from './http/request-id';
export { LoggingModule, ROOT_LOGGER } from './logging/logging.module';
export { maskSecrets, REDACT_PATHS, REDACTED } from './logging/redaction';
export { createRootLogger, type RootLoggerOptions } from './logging/root-logger';
export { registerHttpMetrics } from './metrics/http-metrics';
export { MetricsRegistry } from './metrics/metrics-registry';
export { ObservabilityModule } from './observability.module';
export { PinoNestLogger } from './logging/pino-nest-logger';
export { registerRequestLogging } from './logging/request-logging';
