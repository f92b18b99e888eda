import type { FastifyInstance } from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import type { MetricsRegistry } from './metrics-registry';

/**
 * HTTP latency histograms per route template (never the raw URL: ids would explode the
 * label set), Node's default process metrics, and `GET /metrics` in Prometheus text format.
 * Must run before the routes are registered (fastify-metrics watches `onRoute`).
 */
export async function registerHttpMetrics(
  fastify: FastifyInstance,
  metrics: MetricsRegistry,
): Promise<void> {
  const registers = [metrics.registry];
  await fastify.register(fastifyMetrics, {
    endpoint: '/metrics',
    defaultMetrics: { enabled: true, register: metrics.registry },
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      registeredRoutesOnly: true,
      routeBlacklist: ['/metrics', /^\/docs/],
      overrides: {
        histogram: {
          name: 'http_request_duration_seconds',
          help: 'HTTP request latency by route template, method and status',
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        },
        summary: { registers },
      },
    },
  });
}
