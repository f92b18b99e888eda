import type { PagePosition } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export interface EndpointHealth {
  readonly pending: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly lastSucceededAt: Date | null;
  readonly lastFailedAt: Date | null;
}

/** Webhook endpoints, always looked up with the owning team (admin reads aside). */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(
    @InjectRepository(WebhookEndpointEntity)
    private readonly endpoints: Repository<WebhookEndpointEntity>,
  ) {}

  findForTeam(team: string, id: string): Promise<WebhookEndpointEntity | null> {
    return this.endpoints.findOne({ where: { team, id } });
  }

  findByIds(ids: readonly string[]): Promise<WebhookEndpointEntity[]> {
    return ids.length === 0
      ? Promise.resolve([])
      : this.endpoints
          .createQueryBuilder('endpoint')
          .where('endpoint.id IN (:...ids)', { ids })
          .getMany();
  }

  /** Locked for a change that reads the row first (rotation, update). */
  lockForTeam(
    manager: EntityManager,
    team: string,
    id: string,
  ): Promise<WebhookEndpointEntity | null> {
    return manager
      .getRepository(WebhookEndpointEntity)
      .createQueryBuilder('endpoint')
      .setLock('pessimistic_write')
      .where('endpoint.team = :team AND endpoint.id = :id', { team, id })
      .getOne();
  }

  pageForTeam(
    team: string | undefined,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<WebhookEndpointEntity[]> {
    const query = this.endpoints
      .createQueryBuilder('endpoint')
      .orderBy('endpoint.createdAt', 'ASC')
      .addOrderBy('endpoint.id', 'ASC')
      .take(limit + 1);
    if (team !== undefined) {
      query.andWhere('endpoint.team = :team', { team });
    }
    if (after) {
      query.andWhere('(endpoint.created_at, endpoint.id) > (:createdAt, :id)', after);
    }
    return query.getMany();
  }

  insert(endpoint: WebhookEndpointEntity): Promise<unknown> {
    return this.endpoints.insert(endpoint);
  }

  save(manager: EntityManager, endpoint: WebhookEndpointEntity): Promise<WebhookEndpointEntity> {
    return manager.getRepository(WebhookEndpointEntity).save(endpoint);
  }

  async deleteForTeam(team: string, id: string): Promise<boolean> {
    const result = await this.endpoints.delete({ team, id });
    return (result.affected ?? 0) > 0;
  }

  /** Delivery counts by status and the last outcomes, per endpoint. */
  async healthOf(ids: readonly string[]): Promise<Map<string, EndpointHealth>> {
    if (ids.length === 0) {
      return new Map();
    }
    const rows = await this.endpoints.query<
      {
        endpoint_id: string;
        pending: number;
        succeeded: number;
        failed: number;
        last_succeeded_at: Date | null;
        last_failed_at: Date | null;
      }[]
    >(
      `SELECT endpoint_id,
              count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              max(last_attempt_at) FILTER (WHERE status = 'succeeded') AS last_succeeded_at,
              max(last_attempt_at) FILTER (WHERE status <> 'succeeded') AS last_failed_at
         FROM webhook_deliveries WHERE endpoint_id = ANY($1::uuid[])
        GROUP BY endpoint_id`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.endpoint_id,
        {
          pending: row.pending,
          succeeded: row.succeeded,
          failed: row.failed,
          lastSucceededAt: row.last_succeeded_at,
          lastFailedAt: row.last_failed_at,
        },
      ]),
    );
  }
}
