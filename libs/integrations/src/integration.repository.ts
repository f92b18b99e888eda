import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { IntegrationEntity } from './integration.entity';

/** Processes listen on this channel; every committed change to an integration notifies it. */
export const INTEGRATIONS_CHANNEL = 'keyhouse_integrations';

@Injectable()
export class IntegrationRepository {
  constructor(
    @InjectRepository(IntegrationEntity)
    private readonly integrations: Repository<IntegrationEntity>,
  ) {}

  all(): Promise<IntegrationEntity[]> {
    return this.integrations.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<IntegrationEntity | null> {
    return this.integrations.findOneBy({ id });
  }

  /** Locked for a change; the provider's advisory lock (see lockProvider) is held already. */
  findForUpdate(manager: EntityManager, id: string): Promise<IntegrationEntity | null> {
    return manager
      .getRepository(IntegrationEntity)
      .createQueryBuilder('integration')
      .setLock('pessimistic_write')
      .where('integration.id = :id', { id })
      .getOne();
  }

  /**
   * Serialises changes per provider, so the "one per team and one for all teams" rule is
   * checked and written without a race (teams live in a jsonb array, not a unique index).
   */
  async lockProvider(manager: EntityManager, provider: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `keyhouse.integrations:${provider}`,
    ]);
  }

  /** Integrations of `provider` sharing a team with `teams` ("*" shares with "*" only). */
  overlapping(
    manager: EntityManager,
    provider: string,
    teams: readonly string[],
    exceptId: string | null,
  ): Promise<IntegrationEntity[]> {
    return manager
      .getRepository(IntegrationEntity)
      .createQueryBuilder('integration')
      .where('integration.provider = :provider', { provider })
      .andWhere('integration.teams ?| ARRAY[:...teams]::text[]', { teams })
      .andWhere(exceptId ? 'integration.id <> :exceptId' : 'TRUE', { exceptId })
      .getMany();
  }

  save(manager: EntityManager, row: IntegrationEntity): Promise<IntegrationEntity> {
    return manager.getRepository(IntegrationEntity).save(row);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(IntegrationEntity).delete({ id });
  }

  /** Credentials minted under this integration that are not revoked. */
  async liveCredentials(manager: EntityManager, id: string): Promise<number> {
    const rows = await manager.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM credentials WHERE integration_id = $1 AND status <> 'revoked'`,
      [id],
    );
    return rows[0]?.count ?? 0;
  }

  /** Delivered to every listener when the caller's transaction commits. */
  async notify(manager: EntityManager, id: string): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [INTEGRATIONS_CHANNEL, id]);
  }
}
