import { isDatabaseUnavailable } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { standaloneBuffer } from './crypto/standalone-buffer';
import { CredentialEntity, type CredentialStatus } from './credential.entity';
import { hydrateCredential } from './credential-hydration';
import { storeBatchParameters, storeBatchStatement } from './credential-store-batch.sql';
import {
  type StoreRow,
  type StoreStatement,
  type StoreWrite,
  storeParameters,
  storeStatements,
} from './credential-store.sql';
import type { Owner } from './owner';
import { StatementGroups } from './statement-groups';
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
/** Most stores in one statement (its arrays stay a few hundred KiB). */
const STORE_BATCH_ROWS = 128;
/**
 * Statements in flight at once: while one commits, the next is already sent. Commits that
 * notify (a replacement does, see the NotifyCachedRowChanges migration) serialise in
 * Postgres anyway, so more would only split the waiting stores into smaller groups.
 */
const STORE_BATCHES_IN_FLIGHT = 2;
/** A statement unanswered this long stops holding its slot (see StatementGroups). */
const STORE_BATCH_STALL_MS = 2_000;

/**
 * The store's statements on `credentials`: a store inside a caller's transaction is one
 * named prepared statement (credential-store.sql.ts); stores on their own are grouped, many
 * to a statement and a commit (credential-store-batch.sql.ts). The live row per account is
 * remembered so a repeated store skips its read.
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
  readonly #batchStatement: StoreStatement;
  /**
   * Stores on their own, grouped: each settles with its own row or its own error. Two
   * stores of one account never share a statement (the later one replaces the earlier).
   */
  readonly #groups = new StatementGroups<StoreRow, RowOutcome>((rows) => this.writeBatch(rows), {
    maxSize: STORE_BATCH_ROWS,
    maxInFlight: STORE_BATCHES_IN_FLIGHT,
    stallMs: STORE_BATCH_STALL_MS,
    keyOf: (row) => accountOf(row, row.provider, row.accountKey),
  });

  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
  ) {
    const columns = credentials.metadata.columns.map((column) => column.databaseName);
    this.#storeStatements = storeStatements(columns);
    this.#batchStatement = storeBatchStatement(columns);
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
   * Runs `row`'s store and remembers the row it wrote; null when it wrote none (the row
   * changed, or another first store won). On its own (the data source) the store joins
   * whatever other stores of this process are writing now, in one statement and one commit
   * (see StatementGroups); in the caller's transaction it is that transaction's own statement.
   * Either way it has committed (or will with the caller's transaction) when this resolves.
   */
  async writeForStore(runner: Queryable, row: StoreRow): Promise<CredentialEntity | null> {
    if (!(runner instanceof DataSource)) {
      return this.writeOne(runner, row);
    }
    return (await this.#groups.submit(row)).written;
  }

  /** Stores waiting for a statement (for tests that hold the statements in flight). */
  get storesWaiting(): number {
    return this.#groups.waiting;
  }

  private async writeOne(runner: Queryable, row: StoreRow): Promise<CredentialEntity | null> {
    const [written] = await this.runPrepared(
      runner,
      this.#storeStatements[row.write],
      storeParameters(row),
    );
    return written ? this.remember(written) : null;
  }

  /**
   * One statement for the whole batch. If it fails for a reason that may be one row's (a
   * value too long, a constraint, a deadlock, a row locked past the statement timeout),
   * each row is stored again on its own so only that row's store fails, and each settles
   * as soon as its own statement does (the group's slot is free by then); a database that
   * cannot be reached fails them all (503).
   */
  private async writeBatch(rows: readonly StoreRow[]): Promise<RowOutcome[]> {
    const dataSource = this.credentials.manager.connection;
    if (rows.length === 1) {
      return [{ written: Promise.resolve(await this.writeOne(dataSource, rows[0])) }];
    }
    let written: Record<string, unknown>[];
    try {
      // By id: every batch locks its rows in one order, so two batches never deadlock.
      const ordered = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      written = await this.runPrepared(
        dataSource,
        this.#batchStatement,
        storeBatchParameters(ordered),
      );
    } catch (error) {
      if (failsEveryRow(error)) {
        throw error;
      }
      return rows.map((row) => ({ written: this.writeOne(dataSource, row) }));
    }
    const byId = new Map(written.map((raw) => [raw.id as string, raw]));
    return rows.map((row) => {
      const raw = byId.get(row.id);
      return { written: Promise.resolve(raw ? this.remember(raw) : null) };
    });
  }

  /** The entity of a row a store wrote, its live key held for the account's next store. */
  private remember(raw: Record<string, unknown>): CredentialEntity {
    const credential = hydrateCredential(this.credentials, raw);
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

/**
 * What a grouped store comes to: its own row (null: none written), or its own error. A
 * promise inside an object, so the group settles at once while a row retried on its own
 * settles when its own statement does.
 */
interface RowOutcome {
  readonly written: Promise<CredentialEntity | null>;
}

/**
 * SQLSTATEs that count as the database being unavailable (503) but may be one row's doing:
 * a statement cut short by statement_timeout or lock_timeout while it waited on one locked
 * row. A batch that failed so is retried row by row like any other row's fault.
 */
const ONE_ROWS_TIMEOUTS = new Set(['57014', '55P03']);

/** The database cannot serve the batch at all (down, restarting, out of connections). */
function failsEveryRow(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isDatabaseUnavailable(error) && !(typeof code === 'string' && ONE_ROWS_TIMEOUTS.has(code));
}

/** One key per account: the unique index's columns, unambiguously joined. */
function accountOf(owner: Owner, provider: string, accountKey: string): string {
  return JSON.stringify([owner.team, owner.userId, provider, accountKey]);
}
