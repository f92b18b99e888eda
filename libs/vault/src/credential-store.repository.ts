import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { standaloneBuffer } from './crypto/standalone-buffer';
import { CredentialEntity, type CredentialStatus } from './credential.entity';
import { hydrateCredential } from './credential-hydration';
import { type StoreStatement, type StoreWrite, storeStatements } from './credential-store.sql';
import type { Owner } from './owner';
import { VaultError, VaultErrorCode } from './vault.errors';

export interface LiveKey {
  readonly id: string;
  readonly status: CredentialStatus;
  readonly wrappedDataKey: Buffer;
  readonly dataKeyId: string;
}

/** Where a statement runs: on its own (autocommit) or inside the caller's transaction. */
export type Queryable = DataSource | EntityManager;

const LIVE_KEY: StoreStatement = {
  name: 'keyhouse_credential_live_key',
  text: `SELECT id, status, wrapped_data_key, data_key_id FROM credentials
          WHERE team = $1 AND user_id = $2 AND provider = $3 AND account_key = $4
            AND status <> 'revoked'`,
};

/** Accounts whose live row this process remembers for the next store (a hint, see below). */
const HELD_LIVE_KEYS = 10_000;

/**
 * The store's statements (credential-store.sql.ts) on `credentials`: one named prepared
 * statement per store, and the live row per account remembered so a repeated store skips
 * its read.
 */
@Injectable()
export class CredentialStoreRepository {
  /**
   * The live row last stored or read per account, so a repeated store (a user's next token)
   * skips the read. Only a hint: the replacement matches the row only while it still has
   * this status and data key, else the store reads the table and tries again.
   */
  readonly #liveKeys = new Map<string, LiveKey>();
  readonly #storeStatements: Record<StoreWrite, StoreStatement>;

  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
  ) {
    this.#storeStatements = storeStatements(
      credentials.metadata.columns.map((column) => column.databaseName),
    );
  }

  /** The account's live row as a store needs it: from the hint when held, else the table. */
  async liveKeyForStore(
    runner: Queryable,
    owner: Owner,
    provider: string,
    accountKey: string,
    useHint: boolean,
  ): Promise<LiveKey | null> {
    const account = accountOf(owner, provider, accountKey);
    const held = useHint ? this.#liveKeys.get(account) : undefined;
    if (held) {
      return held;
    }
    const rows = (await this.runPrepared(runner, LIVE_KEY, [
      owner.team,
      owner.userId,
      provider,
      accountKey,
    ])) as {
      id: string;
      status: CredentialStatus;
      wrapped_data_key: Buffer | null;
      data_key_id: string | null;
    }[];
    const row = rows[0];
    if (!row) {
      this.#liveKeys.delete(account);
      return null;
    }
    if (!row.wrapped_data_key || !row.data_key_id) {
      throw new VaultError(
        VaultErrorCode.CredentialRevoked,
        'the credential was revoked; its key is erased',
      );
    }
    return this.holdLiveKey(account, {
      id: row.id,
      status: row.status,
      wrappedDataKey: row.wrapped_data_key,
      dataKeyId: row.data_key_id,
    });
  }

  /**
   * Runs a store statement (credential-store.sql.ts) and remembers the row it wrote; null
   * when it wrote none (the row changed, or another first store won).
   */
  async writeForStore(
    runner: Queryable,
    write: StoreWrite,
    parameters: readonly unknown[],
  ): Promise<CredentialEntity | null> {
    const [row] = await this.runPrepared(runner, this.#storeStatements[write], parameters);
    if (!row) {
      return null;
    }
    const credential = hydrateCredential(this.credentials, row);
    if (credential.wrappedDataKey && credential.dataKeyId) {
      this.holdLiveKey(accountOf(credential, credential.provider, credential.accountKey), {
        id: credential.id,
        status: credential.status,
        wrappedDataKey: credential.wrappedDataKey,
        dataKeyId: credential.dataKeyId,
      });
    }
    return credential;
  }

  /**
   * A named prepared statement on the runner's connection (the caller's transaction's, or
   * one from the pool): TypeORM's query() only sends unnamed ones, parsed and planned anew
   * each time, which for the store statements cost Postgres more than executing them.
   */
  private async runPrepared(
    runner: Queryable,
    statement: StoreStatement,
    values: readonly unknown[],
  ): Promise<Record<string, unknown>[]> {
    const transaction = runner instanceof DataSource ? undefined : runner.queryRunner;
    const queryRunner =
      transaction ??
      (runner instanceof DataSource ? runner : runner.connection).createQueryRunner();
    try {
      const client = (await queryRunner.connect()) as PoolClient;
      const result = await client.query<Record<string, unknown>>({
        name: statement.name,
        text: statement.text,
        values: [...values],
      });
      return result.rows;
    } finally {
      if (!transaction) {
        await queryRunner.release();
      }
    }
  }

  private holdLiveKey(account: string, live: LiveKey): LiveKey {
    const key = { ...live, wrappedDataKey: standaloneBuffer(live.wrappedDataKey) };
    // Re-inserted at the end: the map's order is its recency, the oldest goes first.
    this.#liveKeys.delete(account);
    this.#liveKeys.set(account, key);
    if (this.#liveKeys.size > HELD_LIVE_KEYS) {
      const oldest = this.#liveKeys.keys().next();
      if (!oldest.done) {
        this.#liveKeys.delete(oldest.value);
      }
    }
    return key;
  }
}

/** One key per account: the unique index's columns, unambiguously joined. */
function accountOf(owner: Owner, provider: string, accountKey: string): string {
  return JSON.stringify([owner.team, owner.userId, provider, accountKey]);
}
