import { systemActor } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
import { CredentialLeaseRepository, CredentialLeases } from '@keyhouse/vault';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { HeldLease } from './held-lease';
import { LeaseKeeper } from './lease-keeper.service';
import { LeaseOwner } from './lease-owner';
import { RefreshExecutor } from './refresh-executor.service';
import { RefreshMetrics } from './refresh-metrics';
import { RefreshStatusRepository } from './refresh-status.repository';

const INTERVAL_NAME = 'keyhouse-refresh';
const ACTOR = systemActor('refresh-scheduler');

/**
 * The background scheduler. Work runs in lanes (REFRESH_CONCURRENCY): each tick claims only
 * as many due credentials as there are free lanes (one statement, SKIP LOCKED, so any number
 * of processes share the work without overlap), starts each at once, and claims again as
 * lanes free up, until a claim comes back short. Nothing claimed waits in a queue, so no row
 * starts late in its lease. A tick never overlaps the previous one. On shutdown nothing new
 * is claimed and the work under way is written, not handed back.
 */
@Injectable()
export class RefreshScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RefreshScheduler');
  private readonly startedAt = new Date();
  private tickInProgress?: Promise<void>;
  private readonly lanes = new Set<Promise<void>>();
  private stopping = false;
  private interval?: NodeJS.Timeout;

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly leases: CredentialLeases,
    private readonly keeper: LeaseKeeper,
    private readonly executor: RefreshExecutor,
    private readonly status: RefreshStatusRepository,
    private readonly credentials: CredentialLeaseRepository,
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

  /** Before the database closes: nothing new is claimed, the work under way is written. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    // @nestjs/schedule may already have cleared its registry during shutdown.
    clearInterval(this.interval);
    if (this.schedulerRegistry.doesExist('interval', INTERVAL_NAME)) {
      this.schedulerRegistry.deleteInterval(INTERVAL_NAME);
    }
    await this.tickInProgress;
    await Promise.all(this.lanes);
    // On-demand refreshes of this process hold leases too: they are written before any goes back.
    await this.keeper.drain();
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
    const { batchSize, concurrency } = this.config.refresh;
    try {
      await this.status.heartbeat(this.owner.id, this.startedAt);
      while (!this.stopping) {
        if (this.lanes.size >= concurrency) {
          await Promise.race(this.lanes);
          continue;
        }
        const wanted = Math.min(batchSize, concurrency - this.lanes.size);
        const claims = await this.keeper.claimDue(wanted);
        this.observeLateness(claims);
        for (const claim of claims) {
          this.startLane(claim);
        }
        if (claims.length < wanted) {
          break;
        }
      }
      this.metrics.backlog.set((await this.credentials.dueAndOverdue()).due);
    } catch (error) {
      // The database may be restarting: the next tick tries again by itself.
      this.logger.warn({ err: error }, 'refresh tick failed');
    }
  }

  private startLane(lease: HeldLease): void {
    const lane: Promise<void> = this.refreshOne(lease).finally(() => this.lanes.delete(lane));
    this.lanes.add(lane);
  }

  private async refreshOne(lease: HeldLease): Promise<void> {
    try {
      await this.executor.run(lease, 'schedule', ACTOR);
    } catch (error) {
      // Nothing was presented (failures after presenting are retried while the lease
      // holds): left leased, it is taken over once the lease runs out.
      this.logger.error(
        { err: error, credentialId: lease.id.slice(0, 8) },
        'refresh could not be recorded',
      );
    }
  }

  private observeLateness(claims: readonly HeldLease[]): void {
    const now = Date.now();
    for (const {
      claim: { credential },
    } of claims) {
      if (credential.refreshAt) {
        this.metrics.lateness.observe(
          { provider: credential.provider },
          Math.max(0, now - credential.refreshAt.getTime()) / 1_000,
        );
      }
    }
  }
}
