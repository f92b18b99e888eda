import type { AuditActor } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
import { ProviderRegistry, providerErrors, RefreshPolicy } from '@keyhouse/providers';
import {
  type CredentialEntity,
  CredentialLeases,
  CredentialRepository,
  type OnDemandRefresher,
  VaultError,
  VaultErrorCode,
} from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { LeaseKeeper } from './lease-keeper.service';
import { RefreshExecutor, type RefreshRun, type RefreshTrigger } from './refresh-executor.service';
import { assertRefreshServed } from './refresh-outcome';

const WAIT_POLL_MS = 25;

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
    private readonly credentials: CredentialRepository,
    private readonly leases: CredentialLeases,
    private readonly keeper: LeaseKeeper,
    private readonly executor: RefreshExecutor,
    private readonly registry: ProviderRegistry,
    private readonly policy: RefreshPolicy,
  ) {}

  async prepareRead(credential: CredentialEntity, actor: AuditActor): Promise<CredentialEntity> {
    if (!this.refreshesBeforeRead(credential)) {
      return credential;
    }
    const run = await this.refreshOnce(credential, 'read', actor);
    // The row changed under the lease: open the refreshed one, from the table.
    const current = await this.credentials.refetchForTeamToRead(credential.team, credential.id);
    if (!current) {
      throw new VaultError(VaultErrorCode.CredentialNotFound, 'credential was not found');
    }
    assertRefreshServed(run, current, 'read');
    return current;
  }

  /** Refresh now regardless of the lead (operators); waits for a refresh already running. */
  refreshNow(credential: CredentialEntity, actor: AuditActor): Promise<RefreshRun | undefined> {
    return this.refreshOnce(credential, 'admin', actor);
  }

  refreshesBeforeRead(credential: CredentialEntity): boolean {
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
      running = this.refreshThroughLease(credential, trigger, actor).finally(() => {
        this.inFlight.delete(key);
        // This process may have changed the row: its reads go to the table from now on.
        this.credentials.forgetHeld([credential.id]);
      });
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

  schedulesAfterRead(credential: CredentialEntity): boolean {
    return credential.refreshAt === null && credential.status === 'active';
  }

  /** A read-driven credential the scheduler let go idle is scheduled again by this read. */
  async afterRead(credential: CredentialEntity): Promise<void> {
    if (!this.schedulesAfterRead(credential)) {
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
