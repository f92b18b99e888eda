import type { PagePosition } from '@keyhouse/common';
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

/**
 * The only code that touches `api_clients`. Deleted clients are invisible to every method
 * here except the audit trail's joins; lookups by key go through the hash alone.
 */
@Injectable()
export class ApiClientRepository {
  constructor(
    @InjectRepository(ApiClientEntity) private readonly clients: Repository<ApiClientEntity>,
  ) {}

  /** The hot path of every request; one indexed lookup (a cache can sit in front of it later). */
  findActiveByKeyHash(keyHash: Buffer): Promise<ApiClientEntity | null> {
    return this.clients.findOne({ where: { keyHash, deletedAt: IsNull() } });
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
