import type { AuditActor } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
import { ProviderRegistry, providerErrors, RefreshPolicy } from '@keyhouse/providers';
import {
  type AccessToken,
  type CredentialEntity,
  CredentialLeases,
  CredentialVault,
  type OnDemandRefresher,
} from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { LeaseKeeper } from './lease-keeper.service';
import { RefreshExecutor, type RefreshRun, type RefreshTrigger } from './refresh-executor.service';

const WAIT_POLL_MS = 25;

/** Outcomes that leave the stored token as it was: usable only while it has not expired. */
const UNFINISHED = new Set<RefreshRun['outcome']>(['retry', 'handed_back', 'answer_lost']);

/**
 * Reads that find a token inside its refresh lead refresh it first, through the same lease
 * as the scheduler: in one process concurrent readers share one promise; across processes
 * the lease makes the others wait and then read the winner's result. One upstream refresh,
 * whoever asks.
 */
@Injectable()
export class OnDemandRefreshService implements OnDemandRefresher {
  private readonly inFlight = new Map<string, Promise<RefreshRun | undefined>>();

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly vault: CredentialVault,
    private readonly leases: CredentialLeases,
    private readonly keeper: LeaseKeeper,
    private readonly executor: RefreshExecutor,
    private readonly registry: ProviderRegistry,
    private readonly policy: RefreshPolicy,
  ) {}

  async readFresh(credential: CredentialEntity, actor: AuditActor): Promise<AccessToken> {
    if (!this.needsRefreshBeforeRead(credential)) {
      const token = await this.vault.readLoaded(credential, actor);
      await this.reviveSchedule(credential);
      return token;
    }
    const run = await this.refreshOnce(credential, 'read', actor);
    // The row changed under the lease: read the refreshed one.
    const current = await this.vault.requireForTeam(credential.team, credential.id);
    this.failIfUnusable(current, run);
    return this.vault.readLoaded(current, actor);
  }

  /** Refresh now regardless of the lead (operators); waits for a refresh already running. */
  refreshNow(credential: CredentialEntity, actor: AuditActor): Promise<RefreshRun | undefined> {
    return this.refreshOnce(credential, 'admin', actor);
  }

  private needsRefreshBeforeRead(credential: CredentialEntity): boolean {
    return (
      credential.status === 'active' &&
      credential.metadata.singleUse !== true &&
      (credential.encryptedAccessToken === null ||
        this.policy.accessTokenInsideLead(credential, new Date()))
    );
  }

  private refreshOnce(
    credential: CredentialEntity,
    trigger: RefreshTrigger,
    actor: AuditActor,
  ): Promise<RefreshRun | undefined> {
    const key = `${trigger}:${credential.id}`;
    let running = this.inFlight.get(key);
    if (!running) {
      running = this.refreshThroughLease(credential, trigger, actor).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, running);
    }
    return running;
  }

  /** Claims the lease, or waits for whoever holds it and lets the re-read decide. */
  private async refreshThroughLease(
    credential: CredentialEntity,
    trigger: RefreshTrigger,
    actor: AuditActor,
  ): Promise<RefreshRun | undefined> {
    const deadline = Date.now() + this.config.refresh.leaseSeconds * 1_000;
    while (Date.now() < deadline) {
      if (!this.keeper.accepting) {
        // Shutting down: no new lease is taken; a token that is still valid is served as is.
        return { outcome: 'retry', code: 'shutting_down' };
      }
      const lease = await this.keeper.claimOne(credential.id);
      if (lease) {
        return this.executor.run(lease, trigger, actor);
      }
      // Another process holds it: wait for it, then claim again; for a read, the claimed
      // row's re-read then shows the other's fresh token and nothing is sent upstream.
      while ((await this.leases.isLeased(credential.id)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      }
    }
    throw providerErrors(credential.provider).unavailable('refresh_busy');
  }

  /** A failed or unrecorded refresh still leaves a valid token usable; an expired one is not. */
  private failIfUnusable(current: CredentialEntity, run: RefreshRun | undefined): void {
    if (run === undefined || !UNFINISHED.has(run.outcome)) {
      return;
    }
    const expired =
      !current.expiresAt ||
      current.expiresAt <= new Date() ||
      current.encryptedAccessToken === null;
    if (expired) {
      throw providerErrors(current.provider).unavailable('code' in run ? run.code : run.outcome);
    }
  }

  /** A read-driven credential the scheduler let go idle is scheduled again by this read. */
  private async reviveSchedule(credential: CredentialEntity): Promise<void> {
    if (credential.refreshAt !== null || credential.status !== 'active') {
      return;
    }
    const provider = this.registry.get(credential.provider);
    const now = new Date();
    const refreshAt = this.policy.nextRefreshAt(
      provider.keepAlive,
      { ...credential, lastReadAt: now },
      now,
    );
    if (refreshAt) {
      await this.leases.scheduleIfIdle(credential.id, refreshAt);
    }
  }
}
