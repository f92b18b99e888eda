import type { PagePosition } from '@keyhouse/common';
import { CoherentCache, NotificationListener } from '@keyhouse/database';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, type Repository, type SelectQueryBuilder } from 'typeorm';
import { standaloneOrNull } from './crypto/standalone-buffer';
import { CredentialEntity, type CredentialStatus } from './credential.entity';
import type { Owner } from './owner';
import { VaultError, VaultErrorCode } from './vault.errors';

export interface TeamCredentialFilters {
  readonly userId?: string;
  readonly provider?: string;
  readonly status?: CredentialStatus;
  /** Only these providers (the caller's grant); undefined means all. */
  readonly providers?: readonly string[];
}

export interface AdminCredentialFilters {
  readonly team?: string;
  readonly provider?: string;
  readonly status?: CredentialStatus;
  readonly expiringWithinSeconds?: number;
}

/** Columns cleared when a credential is revoked: its secrets and its key are gone for good. */
const SHREDDED = {
  status: 'revoked' as const,
  encryptedAccessToken: null,
  encryptedRefreshToken: null,
  encryptedInterimToken: null,
  wrappedDataKey: null,
  dataKeyId: null,
  refreshAt: null,
  leaseOwner: null,
  leaseExpiresAt: null,
};

/**
 * What a store needs of an account's live row: which row, its status (which event a
 * replacement is) and its wrapped data key (what the new tokens are sealed under).
 */
/** The channel the `credentials` triggers notify (see the NotifyCachedRowChanges migration). */
export const CREDENTIALS_CHANNEL = 'keyhouse_credentials';
/** Rows held for token reads: ciphertext and wrapped data keys only, a few KiB each. */
const CACHED_ROWS = 10_000;

/**
 * Reads of `credentials`, and the writes that are neither a store nor a lease (those are
 * CredentialStoreRepository's and CredentialLeaseRepository's). Every read for a caller is
 * scoped by team (and user where the route has one): another team's id simply matches
 * nothing. Methods meant for operators or the scheduler say so in their names.
 */
@Injectable()
export class CredentialRepository {
  /**
   * Rows as stored (sealed), for the token read only: every other caller reads the table.
   * The migration's triggers notify every change but the read and lease columns.
   */
  private readonly cache: CoherentCache<string, CredentialEntity>;
  private readonly logger = new Logger('CredentialRepository');
  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
    listener: NotificationListener,
  ) {
    this.cache = new CoherentCache(listener, { max: CACHED_ROWS, channel: CREDENTIALS_CHANNEL });
  }

  findForTeam(team: string, id: string): Promise<CredentialEntity | null> {
    return this.credentials.findOne({ where: { id, team } });
  }

  /**
   * The same, from memory when the process is sure it is current (see CoherentCache). The
   * row is frozen: every reader shares it, and none may change what the next one gets.
   */
  async findForTeamToRead(team: string, id: string): Promise<Readonly<CredentialEntity> | null> {
    const held = await this.cache.get(id, async () => {
      const row = await this.credentials.findOne({ where: { id } });
      return row && Object.freeze(withStandaloneBuffers(row));
    });
    return held?.team === team ? held : null;
  }

  /** After this process changed the row (a refresh it just ran): the table, not memory. */
  refetchForTeamToRead(team: string, id: string): Promise<Readonly<CredentialEntity> | null> {
    this.forgetHeld([id]);
    return this.findForTeamToRead(team, id);
  }

  /** The live credential for an owner's account, locked for the caller's transaction. */
  findLiveForAccountForUpdate(
    manager: EntityManager,
    owner: Owner,
    provider: string,
    accountKey: string,
  ): Promise<CredentialEntity | null> {
    return this.liveForAccount(manager.getRepository(CredentialEntity), owner, provider, accountKey)
      .setLock('pessimistic_write')
      .getOne();
  }

  findLiveForAccount(
    owner: Owner,
    provider: string,
    accountKey: string,
  ): Promise<CredentialEntity | null> {
    return this.liveForAccount(this.credentials, owner, provider, accountKey).getOne();
  }

  /** 404 as a VaultError when the id matches no credential at all (operators' routes). */
  async requireForAdmin(id: string): Promise<CredentialEntity> {
    const credential = await this.findForAdmin(id);
    if (!credential) {
      throw new VaultError(VaultErrorCode.CredentialNotFound, 'credential was not found');
    }
    return credential;
  }

  private liveForAccount(
    repository: Repository<CredentialEntity>,
    owner: Owner,
    provider: string,
    accountKey: string,
  ): SelectQueryBuilder<CredentialEntity> {
    return repository
      .createQueryBuilder('credential')
      .where('credential.team = :team AND credential.user_id = :userId', owner)
      .andWhere('credential.provider = :provider AND credential.account_key = :accountKey', {
        provider,
        accountKey,
      })
      .andWhere(`credential.status <> 'revoked'`);
  }

  listLiveForOwner(owner: Owner, provider: string): Promise<CredentialEntity[]> {
    return this.credentials
      .createQueryBuilder('credential')
      .where('credential.team = :team AND credential.user_id = :userId', owner)
      .andWhere('credential.provider = :provider', { provider })
      .andWhere(`credential.status <> 'revoked'`)
      .orderBy('credential.created_at', 'ASC')
      .getMany();
  }

  listPageForTeam(
    team: string,
    filters: TeamCredentialFilters,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<CredentialEntity[]> {
    const query = this.pageQuery(after, limit).andWhere('credential.team = :team', { team });
    if (filters.userId !== undefined) {
      query.andWhere('credential.user_id = :userId', { userId: filters.userId });
    }
    if (filters.providers) {
      query.andWhere('credential.provider IN (:...providers)', {
        providers: [...filters.providers, ''],
      });
    }
    return this.withCommonFilters(query, filters).getMany();
  }

  listPageForAdmin(
    filters: AdminCredentialFilters,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<CredentialEntity[]> {
    const query = this.pageQuery(after, limit);
    if (filters.team !== undefined) {
      query.andWhere('credential.team = :team', { team: filters.team });
    }
    if (filters.expiringWithinSeconds !== undefined) {
      query.andWhere(`credential.expires_at <= now() + make_interval(secs => :within)`, {
        within: filters.expiringWithinSeconds,
      });
    }
    return this.withCommonFilters(query, filters).getMany();
  }

  findForAdmin(id: string): Promise<CredentialEntity | null> {
    return this.credentials.findOne({ where: { id } });
  }

  /** Locks a row only while `lease` still holds it (fencing); false when it was taken over. */
  async lockLeased(
    manager: EntityManager,
    id: string,
    lease: { leaseOwner: string; leaseToken: string },
  ): Promise<boolean> {
    const found = await manager
      .getRepository(CredentialEntity)
      .createQueryBuilder('credential')
      .setLock('pessimistic_write')
      .where('credential.id = :id AND credential.lease_owner = :owner', {
        id,
        owner: lease.leaseOwner,
      })
      .andWhere('credential.lease_token = :token', { token: lease.leaseToken })
      .getOne();
    return found !== null;
  }

  /** A pending grant's row becomes the credential of the account its exchange named. */
  async assignAccountKey(manager: EntityManager, id: string, accountKey: string): Promise<void> {
    await manager.getRepository(CredentialEntity).update({ id }, { accountKey });
  }

  /** Crypto-shredding: erases the wrapped data key and both ciphertexts in one statement. */
  async shredForTeam(manager: EntityManager, team: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) {
      await manager.getRepository(CredentialEntity).update({ team, id: In([...ids]) }, SHREDDED);
      // Not served again from this process's memory, even before the commit's notification.
      this.forgetHeld(ids);
    }
  }

  /** This process changed these rows: they are read from the table next time. */
  forgetHeld(ids: readonly string[]): void {
    for (const id of ids) {
      this.cache.invalidate(id);
    }
  }

  /** The live credentials of a team (optionally one user), locked, for revocation. */
  lockLiveForTeam(
    manager: EntityManager,
    team: string,
    filter: { id?: string; userId?: string },
  ): Promise<CredentialEntity[]> {
    const query = manager
      .getRepository(CredentialEntity)
      .createQueryBuilder('credential')
      .setLock('pessimistic_write')
      .where('credential.team = :team', { team })
      .andWhere(`credential.status <> 'revoked'`);
    if (filter.id !== undefined) {
      query.andWhere('credential.id = :id', { id: filter.id });
    }
    if (filter.userId !== undefined) {
      query.andWhere('credential.user_id = :userId', { userId: filter.userId });
    }
    return query.getMany();
  }

  /**
   * Records a read: one write per credential per `minimumGapSeconds`, and not awaited (it
   * is bookkeeping for the keep-alive policy; a read must not wait on a pool busy with
   * other writes). The held row learns it at once, since the trigger does not notify
   * last_read_at: else every read after the gap would try the touch again.
   */
  noteRead(id: string, minimumGapSeconds: number): void {
    const now = new Date();
    this.cache.amend(id, (held) => Object.freeze({ ...held, lastReadAt: now }));
    this.touchLastRead(id, minimumGapSeconds).catch((error: unknown) => {
      this.logger.warn({ err: error, credentialId: id.slice(0, 8) }, 'could not record a read');
    });
  }

  private async touchLastRead(id: string, minimumGapSeconds: number): Promise<void> {
    await this.credentials
      .createQueryBuilder()
      .update()
      .set({ lastReadAt: () => 'now()', updatedAt: () => 'updated_at', version: () => 'version' })
      .where('id = :id', { id })
      .andWhere('(last_read_at IS NULL OR last_read_at < now() - make_interval(secs => :gap))', {
        gap: minimumGapSeconds,
      })
      .execute();
  }

  /** How many live credentials each vault key wraps. */
  async countByDataKey(): Promise<Map<string, number>> {
    const rows = await this.credentials
      .createQueryBuilder('credential')
      .select('credential.data_key_id', 'keyId')
      .addSelect('count(*)::int', 'count')
      .where('credential.wrapped_data_key IS NOT NULL')
      .groupBy('credential.data_key_id')
      .getRawMany<{ keyId: string; count: number }>();
    return new Map(rows.map((row) => [row.keyId, row.count]));
  }

  /** A batch of rows not yet wrapped by `activeKeyId`, locked and skipped by other rotators. */
  lockBatchToRewrap(
    manager: EntityManager,
    activeKeyId: string,
    batchSize: number,
  ): Promise<CredentialEntity[]> {
    return manager
      .getRepository(CredentialEntity)
      .createQueryBuilder('credential')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('credential.wrapped_data_key IS NOT NULL AND credential.data_key_id <> :activeKeyId', {
        activeKeyId,
      })
      .limit(batchSize)
      .getMany();
  }

  /** Re-wrap only: the data key (and so every ciphertext) stays the same. */
  async replaceWrapping(
    manager: EntityManager,
    id: string,
    fromKeyId: string,
    wrapped: { keyId: string; wrapped: Buffer },
  ): Promise<void> {
    await manager
      .getRepository(CredentialEntity)
      .createQueryBuilder()
      .update()
      .set({
        wrappedDataKey: wrapped.wrapped,
        dataKeyId: wrapped.keyId,
        updatedAt: () => 'updated_at',
        version: () => 'version',
      })
      .where('id = :id AND data_key_id = :fromKeyId', { id, fromKeyId })
      .execute();
  }

  private pageQuery(
    after: PagePosition | undefined,
    limit: number,
  ): SelectQueryBuilder<CredentialEntity> {
    const query = this.credentials
      .createQueryBuilder('credential')
      .where('TRUE')
      .orderBy('credential.created_at', 'ASC')
      .addOrderBy('credential.id', 'ASC')
      .limit(limit + 1);
    if (after) {
      query.andWhere('(credential.created_at, credential.id) > (:createdAt, :id)', after);
    }
    return query;
  }

  private withCommonFilters(
    query: SelectQueryBuilder<CredentialEntity>,
    filters: { provider?: string; status?: CredentialStatus },
  ): SelectQueryBuilder<CredentialEntity> {
    if (filters.provider !== undefined) {
      query.andWhere('credential.provider = :provider', { provider: filters.provider });
    }
    if (filters.status !== undefined) {
      query.andWhere('credential.status = :status', { status: filters.status });
    }
    return query;
  }
}

/** Held rows keep their ciphertext in memory of its own, not in a pool slab (see standaloneBuffer). */
function withStandaloneBuffers(row: CredentialEntity): CredentialEntity {
  return Object.assign(row, {
    encryptedAccessToken: standaloneOrNull(row.encryptedAccessToken),
    encryptedRefreshToken: standaloneOrNull(row.encryptedRefreshToken),
    encryptedInterimToken: standaloneOrNull(row.encryptedInterimToken),
    wrappedDataKey: standaloneOrNull(row.wrappedDataKey),
  });
}
