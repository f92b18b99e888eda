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
 * Runs in progress (calling or writing) per lane, at most, before claiming waits: room for
 * writes that take a few calls' time on a busy database (at 2 per lane, 20-40 ms grouped
 * completions already held claims back), still a bound on answers in hand while it is away.
 */
const MAX_RUNS_PER_LANE = 4;

/**
 * Rows claimed ahead of the lanes: two rounds of calls (so a row waits at most about two
 * calls for its lane, a small part of its lease), at most one batch. A claim goes out once
 * half of that has been taken, so claims stay batches rather than one row per freed lane
 * (which cost a claim round trip per refresh, and left lanes idle while it was in flight),
 * and the half still waiting keeps the lanes busy while the next claim is answered.
 */
export function claimedAheadOf(concurrency: number, batchSize: number): number {
  return Math.max(1, Math.min(2 * concurrency, batchSize));
}

/**
 * The background scheduler. Upstream calls run in lanes (REFRESH_CONCURRENCY): each tick
 * claims as many due credentials as there are free lanes plus some ready to start (one
 * statement, SKIP LOCKED, so any number of processes share the work without overlap), and
 * claims again, a batch at a time, as the ready rows run down, until a claim comes back
 * short. A lane frees as soon as its upstream call is over and takes the next ready row at
 * once (no claim round trip between two calls); the answer is then written beside it
 * (grouped with others), so a worker calls at the upstream's pace rather than waiting on its
 * own writes. The rows claimed ahead wait at most about two calls for a lane, and the writes
 * in progress are bounded too. A tick never overlaps the previous one. On shutdown nothing
 * new is claimed or started, rows claimed ahead are handed back, and the work under way is
 * written.
 */
@Injectable()
export class RefreshScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RefreshScheduler');
  private readonly startedAt = new Date();
  private tickInProgress?: Promise<void>;
  /** Runs still in their upstream call (one per lane). */
  private readonly lanes = new Set<Promise<void>>();
  /** Every run in progress: in its call, or writing what the upstream said. */
  private readonly runs = new Set<Promise<void>>();
  /** Claimed ahead, waiting for a lane. */
  private readonly ready: HeldLease[] = [];
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
    // Claimed ahead but never started: nothing was presented, they go back at once.
    await Promise.all(
      this.ready.splice(0).map(async (lease) => {
        await this.keeper.handBack(lease);
        this.keeper.finish(lease);
      }),
    );
    await Promise.all(this.runs);
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
    const claimedAhead = claimedAheadOf(concurrency, batchSize);
    try {
      await this.status.heartbeat(this.owner.id, this.startedAt);
      while (!this.stopping) {
        this.fillLanes();
        const room = concurrency + claimedAhead - this.lanes.size - this.ready.length;
        const lanesFree = this.lanes.size < concurrency;
        if (
          (!lanesFree && room < Math.ceil(claimedAhead / 2)) ||
          this.runs.size >= MAX_RUNS_PER_LANE * concurrency
        ) {
          await Promise.race(this.lanes.size > 0 ? this.lanes : this.runs);
          continue;
        }
        const wanted = Math.min(batchSize, room);
        const claims = await this.keeper.claimDue(wanted);
        this.observeLateness(claims);
        this.ready.push(...claims);
        this.fillLanes();
        if (claims.length < wanted) {
          break;
        }
      }
      this.metrics.backlog.set(await this.credentials.dueCount());
    } catch (error) {
      // The database may be restarting: the next tick tries again by itself.
      this.logger.warn({ err: error }, 'refresh tick failed');
    }
  }

  /** Starts claimed rows while lanes are free (also as each lane frees, between ticks). */
  private fillLanes(): void {
    while (
      !this.stopping &&
      this.ready.length > 0 &&
      this.lanes.size < this.config.refresh.concurrency
    ) {
      this.startLane(this.ready.shift()!);
    }
  }

  private startLane(lease: HeldLease): void {
    let answered!: () => void;
    const lane: Promise<void> = new Promise<void>((resolve) => (answered = resolve)).then(() => {
      this.lanes.delete(lane);
      this.fillLanes();
    });
    this.lanes.add(lane);
    const run: Promise<void> = this.refreshOne(lease, answered).finally(() => {
      answered();
      this.runs.delete(run);
    });
    this.runs.add(run);
  }

  private async refreshOne(lease: HeldLease, answered: () => void): Promise<void> {
    try {
      await this.executor.run(lease, 'schedule', ACTOR, answered);
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
