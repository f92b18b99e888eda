import type { PagePosition } from '@keyhouse/common';
import { CoherentCache, NotificationListener } from '@keyhouse/database';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { ApiClientEntity } from './api-client.entity';

export interface NewApiClient {
  readonly name: string;
  readonly team: string;
  readonly scopes: readonly string[];
  readonly providers: readonly string[];
  readonly maxRole: string | null;
  readonly development: boolean;
  readonly keyPrefix: string;
  readonly keyHash: Buffer;
}

/** The channel the `api_clients` triggers notify (see the NotifyCachedRowChanges migration). */
export const API_CLIENTS_CHANNEL = 'keyhouse_api_clients';
const CACHED_CLIENTS = 5_000;

/**
 * The only code that touches `api_clients`. Deleted clients are invisible to every method
 * here except the audit trail's joins; lookups by key go through the hash alone.
 */
@Injectable()
export class ApiClientRepository {
  /**
   * Active clients by key hash (unknown keys are not held), trusted only while the listener
   * is current; the triggers notify every change but last use, so a deleted or rotated key
   * stops everywhere as soon as its notification arrives, and here at once.
   */
  private readonly byKeyHash: CoherentCache<string, ApiClientEntity>;

  constructor(
    @InjectRepository(ApiClientEntity) private readonly clients: Repository<ApiClientEntity>,
    listener: NotificationListener,
  ) {
    this.byKeyHash = new CoherentCache(listener, {
      max: CACHED_CLIENTS,
      channel: API_CLIENTS_CHANNEL,
      payloadOf: (client) => client.id,
    });
  }

  /** The hot path of every request: from memory, else one indexed lookup. */
  findActiveByKeyHash(keyHash: Buffer): Promise<ApiClientEntity | null> {
    return this.byKeyHash.get(keyHash.toString('base64'), () =>
      this.clients.findOne({ where: { keyHash, deletedAt: IsNull() } }),
    );
  }

  findActiveById(id: string): Promise<ApiClientEntity | null> {
    return this.clients.findOne({ where: { id, deletedAt: IsNull() } });
  }

  async create(client: NewApiClient): Promise<ApiClientEntity> {
    return this.clients.save(
      this.clients.create({
        ...client,
        scopes: [...client.scopes],
        providers: [...client.providers],
      }),
    );
  }

  /** `limit + 1` rows after `after`, oldest first, for keyset pagination. */
  listPage(after: PagePosition | undefined, limit: number): Promise<ApiClientEntity[]> {
    const query = this.clients
      .createQueryBuilder('client')
      .where('client.deleted_at IS NULL')
      .orderBy('client.created_at', 'ASC')
      .addOrderBy('client.id', 'ASC')
      .limit(limit + 1);
    if (after) {
      query.andWhere('(client.created_at, client.id) > (:createdAt, :id)', after);
    }
    return query.getMany();
  }

  /** Swaps the key in one statement: from its commit on, the old key matches nothing. */
  async replaceKey(id: string, keyHash: Buffer, keyPrefix: string): Promise<boolean> {
    const result = await this.clients
      .createQueryBuilder()
      .update()
      .set({ keyHash, keyPrefix })
      .where('id = :id AND deleted_at IS NULL', { id })
      .execute();
    this.byKeyHash.invalidate(id);
    return (result.affected ?? 0) > 0;
  }

  /** Soft delete that also drops the hash, so the key is dead even if the row is restored. */
  async delete(id: string): Promise<boolean> {
    const result = await this.clients
      .createQueryBuilder()
      .update()
      .set({ keyHash: null, deletedAt: () => 'now()' })
      .where('id = :id AND deleted_at IS NULL', { id })
      .execute();
    this.byKeyHash.invalidate(id);
    return (result.affected ?? 0) > 0;
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.clients
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: at, updatedAt: () => 'updated_at' })
      .where('id = :id', { id })
      .execute();
  }

  async countActive(): Promise<number> {
    return this.clients.count({ where: { deletedAt: IsNull() } });
  }

  async countActiveAdmins(): Promise<number> {
    return this.clients
      .createQueryBuilder('client')
      .where('client.deleted_at IS NULL')
      .andWhere(`'admin' = ANY(client.scopes)`)
      .getCount();
  }
}
