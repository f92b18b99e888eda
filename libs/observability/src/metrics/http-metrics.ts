import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry';

type Observer = ReturnType<Histogram<string>['labels']>;

/**
 * HTTP latency histograms per route template (never the raw URL: ids would explode the
 * label set), Node's default process metrics, and `GET /metrics` in Prometheus text format.
 * One onResponse hook: the labelled child for a (method, route, status) is looked up once
 * and kept, so a request costs one Map lookup and one observe, not a label hash.
 * Requests no route matched, /metrics and /docs are not measured.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  collectDefaultMetrics({ register: metrics.registry });
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics.registry],
  });
  // Bounded: routes are the registered templates, statuses a few dozen codes.
  const observers = new Map<string, Observer>();
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && isMeasured(route)) {
      const key = `${request.method} ${reply.statusCode} ${route}`;
      let observer = observers.get(key);
      if (observer === undefined) {
        observer = histogram.labels(request.method, route, String(reply.statusCode));
        observers.set(key, observer);
      }
      observer.observe(reply.elapsedTime / 1_000);
    }
    done();
  });
  fastify.get('/metrics', async (_request, reply) => {
    void reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

function isMeasured(route: string): boolean {
  return route !== '/metrics' && !route.startsWith('/docs');
}
