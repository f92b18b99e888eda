import { MetricsRegistry } from '@keyhouse/observability';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';

@Injectable()
export class RefreshMetrics {
  readonly refreshes: Counter<'provider' | 'outcome' | 'trigger'>;
  readonly lateness: Histogram<'provider'>;
  readonly backlog: Gauge;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.refreshes = new Counter({
      name: 'keyhouse_refreshes_total',
      help: 'Refresh attempts by provider, outcome and trigger (schedule, read, admin)',
      labelNames: ['provider', 'outcome', 'trigger'],
      registers,
    });
    this.lateness = new Histogram({
      name: 'keyhouse_refresh_lateness_seconds',
      help: 'How long after its refresh_at a credential was claimed by the scheduler',
      labelNames: ['provider'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
      registers,
    });
    this.backlog = new Gauge({
      name: 'keyhouse_refresh_due_backlog',
      help: 'Credentials due for refresh and not yet claimed, as of the last tick',
      registers,
    });
  }
}
