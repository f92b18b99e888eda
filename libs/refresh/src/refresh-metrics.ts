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
  readonly writeRetries: Counter<'provider'>;
  readonly answersLost: Counter<'provider'>;
  readonly leasesExtended: Counter;
  readonly handedBack: Counter<'provider'>;

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
    this.writeRetries = new Counter({
      name: 'keyhouse_refresh_write_retries_total',
      help: 'Fenced writes of an upstream answer in hand that failed and were tried again',
      labelNames: ['provider'],
      registers,
    });
    this.answersLost = new Counter({
      name: 'keyhouse_refresh_answers_lost_total',
      help: 'Upstream answers that could not be written before the lease ran out (the database stayed away)',
      labelNames: ['provider'],
      registers,
    });
    this.leasesExtended = new Counter({
      name: 'keyhouse_refresh_leases_extended_total',
      help: 'Refresh leases extended by a fenced heartbeat while their work was pending',
      registers,
    });
    this.handedBack = new Counter({
      name: 'keyhouse_refresh_handed_back_total',
      help: 'Claimed rows handed back without presenting their grant (the lease could not cover the call)',
      labelNames: ['provider'],
      registers,
    });
  }
}
