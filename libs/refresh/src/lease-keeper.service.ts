import { isDataException } from '@keyhouse/common';
import { KeyhouseConfig } from '@keyhouse/config';
import { CredentialLeases, type LeasedCredential, type LeaseOutcome } from '@keyhouse/vault';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HeldLease } from './held-lease';
import { LeaseOwner } from './lease-owner';
import { heartbeatIntervalMs } from './lease-window';
import { RefreshMetrics } from './refresh-metrics';
import { withDeadline } from './with-deadline';

/**
 * Every refresh lease this process holds, from the claim until the result is written.
 * - Claims go through here, so each lease's window starts when its claim was sent.
 * - A heartbeat extends every held lease in one fenced statement; a lease whose fence is
 *   gone is marked lost, and its work stops.
 * - Before a grant is presented, the lease must cover the upstream timeout plus the write
 *   margin; it is extended first if it does not.
 * - On shutdown no new claim is made and the work already held is waited for, so an answer
 *   in hand is written rather than handed back.
 */
@Injectable()
export class LeaseKeeper implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('RefreshLeases');
  private readonly held = new Set<HeldLease>();
  private readonly leaseMs: number;
  private claimsInFlight = 0;
  private closing = false;
  private beating = false;
  private heartbeat?: NodeJS.Timeout;
  private drained?: () => void;
  private draining?: Promise<void>;

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly leases: CredentialLeases,
    private readonly owner: LeaseOwner,
    private readonly metrics: RefreshMetrics,
  ) {
    this.leaseMs = config.refresh.leaseSeconds * 1_000;
  }

  onModuleInit(): void {
    this.heartbeat = setInterval(() => void this.beat(), heartbeatIntervalMs(this.leaseMs));
    this.heartbeat.unref();
  }

  /** Whether new claims may still be made (false once shutdown began). */
  get accepting(): boolean {
    return !this.closing;
  }

  /** How many leases this process holds right now. */
  get heldCount(): number {
    return this.held.size;
  }

  claimDue(limit: number): Promise<HeldLease[]> {
    return this.claiming(async () =>
      this.leases.claimDue(this.owner.id, limit, this.config.refresh.leaseSeconds),
    );
  }

  async claimOne(id: string): Promise<HeldLease | undefined> {
    const [lease] = await this.claiming(async () => {
      const claim = await this.leases.claimOne(id, this.owner.id, this.config.refresh.leaseSeconds);
      return claim ? [claim] : [];
    });
    return lease;
  }

  /** Claims a credential that waits for a user's one-time code, to complete its refresh. */
  async claimAwaitingCode(id: string): Promise<HeldLease | undefined> {
    const [lease] = await this.claiming(async () => {
      const claim = await this.leases.claimAwaitingCode(
        id,
        this.owner.id,
        this.config.refresh.leaseSeconds,
      );
      return claim ? [claim] : [];
    });
    return lease;
  }

  /** The work on a lease is over (written, released or lost): stop extending it. */
  finish(lease: HeldLease): void {
    lease.markFinished();
    this.held.delete(lease);
    if (this.held.size === 0 && this.claimsInFlight === 0) {
      this.drained?.();
    }
  }

  /**
   * Whether `lease` may present its grant now: it must cover one upstream call and the write
   * after it. A lease that does not is extended first, within what is left of it.
   */
  async readyToPresent(lease: HeldLease): Promise<boolean> {
    const { timeoutMs } = this.config.upstream;
    const { writeMarginMs } = this.config.refresh;
    if (lease.lost) {
      return false;
    }
    if (lease.window.covers(performance.now(), timeoutMs, writeMarginMs)) {
      return true;
    }
    await this.extend([lease], lease.window.remainingMs(performance.now()));
    return !lease.lost && lease.window.covers(performance.now(), timeoutMs, writeMarginMs);
  }

  /**
   * Writes what follows a presented grant (new tokens, or the upstream's verdict), retrying
   * with backoff for as long as the lease can still be held: a database blip shorter than
   * the lease loses nothing. 'answer_lost' when the lease's end (minus the margin) came
   * first, or at once when the database refuses the write's values (a data exception);
   * 'lease_lost' when another process holds the row now.
   */
  async writeWhileHeld(
    lease: HeldLease,
    write: () => Promise<LeaseOutcome>,
  ): Promise<LeaseOutcome | 'answer_lost'> {
    const { writeMarginMs } = this.config.refresh;
    for (let attempt = 0; ; attempt++) {
      if (lease.lost) {
        return 'lease_lost';
      }
      const left = lease.window.writeDeadlineMs(writeMarginMs) - performance.now();
      try {
        return await withDeadline(write(), left);
      } catch (error) {
        const wait = writeRetryDelayMs(attempt);
        // Refused for its values, the write would be refused on every retry: holding the
        // lease (and a shutdown) until it ends would change nothing.
        const refused = isDataException(error);
        if (refused || lease.window.writeDeadlineMs(writeMarginMs) - performance.now() <= wait) {
          this.metrics.answersLost.inc({ provider: lease.provider });
          this.logger.error(
            { err: error, credentialId: lease.id.slice(0, 8), attempts: attempt + 1 },
            refused
              ? 'refresh answer lost: the database refuses what the write holds'
              : 'refresh answer lost: the database stayed away past the lease',
          );
          return 'answer_lost';
        }
        this.metrics.writeRetries.inc({ provider: lease.provider });
        this.logger.warn(
          { err: error, attempt: attempt + 1, credentialId: lease.id.slice(0, 8) },
          'retrying the refresh write',
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Gives back a row whose grant was never presented, untouched (best effort: else it lapses). */
  async handBack(lease: HeldLease): Promise<void> {
    this.metrics.handedBack.inc({ provider: lease.provider });
    const remaining = Math.max(0, lease.window.remainingMs(performance.now()));
    await withDeadline(
      this.leases.reschedule(lease.claim, lease.claim.credential.refreshAt),
      remaining,
    ).catch(() => undefined);
  }

  /** Stops claiming, then waits for the held work to be written (at most one lease long). */
  drain(): Promise<void> {
    this.closing = true;
    this.draining ??= this.waitForHeldWork();
    return this.draining;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  onApplicationShutdown(): void {
    clearInterval(this.heartbeat);
  }

  /** One heartbeat: extends every lease whose work is pending, in one statement. */
  async beat(): Promise<void> {
    const pending = [...this.held].filter((lease) => !lease.lost);
    if (this.beating || pending.length === 0) {
      return;
    }
    this.beating = true;
    try {
      await this.extend(pending, this.leaseMs);
    } finally {
      this.beating = false;
    }
  }

  private async extend(leases: readonly HeldLease[], withinMs: number): Promise<void> {
    const sentAt = performance.now();
    let kept: Set<string>;
    try {
      kept = await withDeadline(
        this.leases.extend(
          this.owner.id,
          leases.map((lease) => ({ id: lease.id, leaseToken: lease.claim.leaseToken })),
          this.config.refresh.leaseSeconds,
        ),
        withinMs,
      );
    } catch (error) {
      // The database is away: the windows run down, and work past them stops by itself.
      this.logger.debug({ err: error }, 'lease extension failed');
      return;
    }
    for (const lease of leases) {
      if (kept.has(lease.id)) {
        lease.window.extendedFrom(sentAt);
      } else if (lease.phase !== 'finished') {
        lease.loseFence();
        this.logger.warn({ credentialId: lease.id.slice(0, 8) }, 'refresh lease lost its fence');
      }
    }
    this.metrics.leasesExtended.inc(kept.size);
  }

  private async waitForHeldWork(): Promise<void> {
    if (this.held.size === 0 && this.claimsInFlight === 0) {
      return;
    }
    const drained = new Promise<void>((resolve) => (this.drained = resolve));
    await withDeadline(drained, this.leaseMs).catch(() => {
      this.logger.warn({ held: this.held.size }, 'shutdown did not wait for every held lease');
    });
  }

  private async claiming(claim: () => Promise<LeasedCredential[]>): Promise<HeldLease[]> {
    if (this.closing) {
      return [];
    }
    this.claimsInFlight++;
    const sentAt = performance.now();
    try {
      const claims = await claim();
      const held = claims.map((each) => new HeldLease(each, sentAt, this.leaseMs));
      for (const lease of held) {
        this.held.add(lease);
      }
      return held;
    } finally {
      this.claimsInFlight--;
      if (this.held.size === 0 && this.claimsInFlight === 0) {
        this.drained?.();
      }
    }
  }
}

/** 100 ms doubling to 2 s, with jitter so processes that lost the database together do not retry together. */
function writeRetryDelayMs(attempt: number): number {
  const base = Math.min(2_000, 100 * 2 ** attempt);
  return Math.round(base / 2 + Math.random() * (base / 2));
}
