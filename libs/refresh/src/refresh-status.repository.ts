import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { RefreshInstanceEntity } from './refresh-instance.entity';

/**
 * Heartbeats of scheduler processes. The counts of credentials behind the refresh status
 * come from the vault's CredentialLeaseRepository, the one owner of that table's SQL.
 */
@Injectable()
export class RefreshStatusRepository {
  constructor(
    @InjectRepository(RefreshInstanceEntity)
    private readonly instances: Repository<RefreshInstanceEntity>,
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
}
