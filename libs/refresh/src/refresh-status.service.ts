import { KeyhouseConfig } from '@keyhouse/config';
import { CredentialLeaseRepository } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { RefreshStatusRepository } from './refresh-status.repository';

export interface RefreshStatusView {
  readonly credentials: Record<string, Record<string, number>>;
  readonly dueNow: number;
  /** Active credentials already past expiry that the scheduler still means to refresh. */
  readonly overdue: number;
  readonly leased: number;
  /** Scheduler processes that ticked recently, newest first. */
  readonly schedulers: readonly { id: string; startedAt: string; lastTickAt: string | null }[];
  readonly lastTickAt: string | null;
  readonly failures: readonly { code: string; status: string; count: number }[];
}

@Injectable()
export class RefreshStatusService {
  constructor(
    private readonly config: KeyhouseConfig,
    private readonly repository: RefreshStatusRepository,
    private readonly credentials: CredentialLeaseRepository,
  ) {}

  async status(): Promise<RefreshStatusView> {
    const liveWindowMs = Math.max(this.config.refresh.intervalMs * 5, 30_000);
    const [counts, queue, instances, failures] = await Promise.all([
      this.credentials.countByProviderAndStatus(),
      this.credentials.dueAndOverdue(),
      this.repository.recentInstances(new Date(Date.now() - liveWindowMs)),
      this.credentials.failuresByCode(),
    ]);
    const credentials: Record<string, Record<string, number>> = {};
    for (const { provider, status, count } of counts) {
      (credentials[provider] ??= {})[status] = count;
    }
    const schedulers = instances.map((instance) => ({
      id: instance.id,
      startedAt: instance.startedAt.toISOString(),
      lastTickAt: instance.lastTickAt?.toISOString() ?? null,
    }));
    return {
      credentials,
      dueNow: queue.due,
      overdue: queue.overdue,
      leased: queue.leased,
      schedulers,
      lastTickAt: schedulers[0]?.lastTickAt ?? null,
      failures,
    };
  }
}
