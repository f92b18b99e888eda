import { systemActor } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
import { CredentialLeases, type LeasedCredential } from '@keyhouse/vault';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { forEachWithConcurrency } from './bounded-concurrency';
import { LeaseOwner } from './lease-owner';
import { RefreshExecutor } from './refresh-executor.service';
import { RefreshMetrics } from './refresh-metrics';
import { RefreshStatusRepository } from './refresh-status.repository';

const INTERVAL_NAME = 'keyhouse-refresh';
const ACTOR = systemActor('refresh-scheduler');

/**
 * The background scheduler: every tick claims due credentials in batches (one statement,
 * SKIP LOCKED, so any number of processes share the work without overlap), refreshes them
 * with bounded concurrency, and keeps claiming while batches come back full. A tick never
 * overlaps the previous one. On shutdown, in-flight refreshes finish and unstarted leases
 * are handed back.
 */
@Injectable()
export class RefreshScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RefreshScheduler');
  private readonly startedAt = new Date();
  private tickInProgress?: Promise<void>;
  private stopping = false;
  private interval?: NodeJS.Timeout;

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly leases: CredentialLeases,
    private readonly executor: RefreshExecutor,
    private readonly status: RefreshStatusRepository,
    private readonly metrics: RefreshMetrics,
    private readonly owner: LeaseOwner,
    private readonly schedulerRegistry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.interval = setInterval(() => void this.tick(), this.config.refresh.intervalMs);
    this.schedulerRegistry.addInterval(INTERVAL_NAME, this.interval);
    this.logger.log(
      { leaseOwner: this.owner.id, intervalMs: this.config.refresh.intervalMs },
      'refresh scheduler started',
    );
    void this.tick();
  }

  /** Before the database closes: in-flight refreshes finish, unstarted leases go back. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    // @nestjs/schedule may already have cleared its registry during shutdown.
    clearInterval(this.interval);
    if (this.schedulerRegistry.doesExist('interval', INTERVAL_NAME)) {
      this.schedulerRegistry.deleteInterval(INTERVAL_NAME);
    }
    await this.tickInProgress;
    try {
      const released = await this.leases.releaseAll(this.owner.id);
      await this.status.stopped(this.owner.id);
      this.logger.log({ released }, 'refresh scheduler stopped');
    } catch (error) {
      this.logger.warn(
        { err: error },
        'could not release leases on shutdown; they expire by themselves',
      );
    }
  }

  /** One tick; concurrent calls while a tick runs return that tick. */
  tick(): Promise<void> {
    if (this.stopping) {
      return Promise.resolve();
    }
    this.tickInProgress ??= this.runTick().finally(() => {
      this.tickInProgress = undefined;
    });
    return this.tickInProgress;
  }

  private async runTick(): Promise<void> {
    const { batchSize, concurrency, leaseSeconds } = this.config.refresh;
    try {
      await this.status.heartbeat(this.owner.id, this.startedAt);
      while (!this.stopping) {
        const claims = await this.leases.claimDue(this.owner.id, batchSize, leaseSeconds);
        this.observeLateness(claims);
        await forEachWithConcurrency(claims, concurrency, (claim) => this.refreshOne(claim));
        if (claims.length < batchSize) {
          break;
        }
      }
      this.metrics.backlog.set(await this.status.countDue());
    } catch (error) {
      // The database may be restarting: the next tick tries again by itself.
      this.logger.warn({ err: error }, 'refresh tick failed');
    }
  }

  private async refreshOne(claim: LeasedCredential): Promise<void> {
    if (this.stopping) {
      return; // Not started: its lease is handed back on shutdown.
    }
    try {
      await this.executor.run(claim, 'schedule', ACTOR);
    } catch (error) {
      // Left leased: it is retried once the lease runs out.
      this.logger.error(
        { err: error, credentialId: claim.credential.id.slice(0, 8) },
        'refresh could not be recorded',
      );
    }
  }

  private observeLateness(claims: readonly LeasedCredential[]): void {
    const now = Date.now();
    for (const { credential } of claims) {
      if (credential.refreshAt) {
        this.metrics.lateness.observe(
          { provider: credential.provider },
          Math.max(0, now - credential.refreshAt.getTime()) / 1_000,
        );
      }
    }
  }
}
