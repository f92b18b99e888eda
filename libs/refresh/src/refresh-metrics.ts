import { MetricsRegistry } from '@keyhouse/observability';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Whether this process runs the background scheduler (RefreshModule's `scheduler` option). */
export const RUNS_SCHEDULER = Symbol('RUNS_SCHEDULER');

@Injectable()
export class RefreshMetrics {
  readonly refreshes: Counter<'provider' | 'outcome' | 'trigger'>;
  readonly lateness: Histogram<'provider'>;
  readonly backlog: Gauge;

  constructor(metrics: MetricsRegistry, @Inject(RUNS_SCHEDULER) runsScheduler: boolean) {
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
    // Only the scheduler measures the backlog, at each tick: a process without one (the
    // gateway with REFRESH_ENABLED=false) does not export it rather than report 0 for ever.
    this.backlog = new Gauge({
      name: 'keyhouse_refresh_due_backlog',
      help: 'Credentials due for refresh and not yet claimed, as of the last tick',
      registers: runsScheduler ? registers : [],
    });
  }
}
