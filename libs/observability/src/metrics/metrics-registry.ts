import { Registry } from 'prom-client';

/**
 * This application's Prometheus registry. One per app rather than prom-client's global one,
 * so several apps can live in one process (the test suite does) without name clashes.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
}
