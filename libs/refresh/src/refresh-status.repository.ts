import { CredentialEntity } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { RefreshInstanceEntity } from './refresh-instance.entity';

export interface CountByProviderStatus {
  readonly provider: string;
  readonly status: string;
  readonly count: number;
}

/** Heartbeats of scheduler processes, and the aggregate queries behind the refresh status. */
@Injectable()
export class RefreshStatusRepository {
  constructor(
    @InjectRepository(RefreshInstanceEntity)
    private readonly instances: Repository<RefreshInstanceEntity>,
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
  ) {}

  async heartbeat(id: string, startedAt: Date): Promise<void> {
    await this.instances.upsert({ id, startedAt, lastTickAt: new Date(), stoppedAt: null }, ['id']);
  }

  async stopped(id: string): Promise<void> {
    await this.instances.update({ id }, { stoppedAt: new Date() });
  }

  /** Schedulers that ticked since `since` and have not stopped. */
  recentInstances(since: Date): Promise<RefreshInstanceEntity[]> {
    return (
      this.instances
        .createQueryBuilder('instance')
        .where('instance.last_tick_at >= :since', { since })
        // A scheduler that stopped cleanly is gone, however recently it ticked.
        .andWhere('instance.stopped_at IS NULL')
        .orderBy('instance.last_tick_at', 'DESC')
        .getMany()
    );
  }

  async countByProviderAndStatus(): Promise<CountByProviderStatus[]> {
    const rows = await this.credentials
      .createQueryBuilder('credential')
      .select('credential.provider', 'provider')
      .addSelect('credential.status', 'status')
      .addSelect('count(*)::int', 'count')
      .groupBy('credential.provider')
      .addGroupBy('credential.status')
      .orderBy('credential.provider')
      .getRawMany<CountByProviderStatus>();
    return rows;
  }

  /** Due now (refresh_at passed, not leased) and overdue (active but already expired). */
  async dueAndOverdue(): Promise<{ due: number; overdue: number; leased: number }> {
    const [row] = await this.credentials.query<{ due: number; overdue: number; leased: number }[]>(
      `SELECT
         count(*) FILTER (WHERE refresh_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at < now()))::int AS due,
         count(*) FILTER (WHERE expires_at < now() AND refresh_at IS NOT NULL)::int AS overdue,
         count(*) FILTER (WHERE lease_expires_at >= now())::int AS leased
       FROM credentials WHERE status = 'active'`,
    );
    return row ?? { due: 0, overdue: 0, leased: 0 };
  }

  async countDue(): Promise<number> {
    return (await this.dueAndOverdue()).due;
  }

  /** Current failures by code: credentials whose last refresh attempt failed. */
  failuresByCode(): Promise<{ code: string; status: string; count: number }[]> {
    return this.credentials
      .createQueryBuilder('credential')
      .select('credential.last_error', 'code')
      .addSelect('credential.status', 'status')
      .addSelect('count(*)::int', 'count')
      .where('credential.last_error IS NOT NULL')
      .andWhere(`credential.status <> 'revoked'`)
      .groupBy('credential.last_error')
      .addGroupBy('credential.status')
      .orderBy('count', 'DESC')
      .getRawMany();
  }
}
