import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WrappedDataKey } from './crypto/keyring';

/**
 * A table outside the credentials whose rows carry their own data key wrapped by the vault
 * (columns `id`, `data_key_id`, `wrapped_data_key`), such as the integrations. Registered
 * by the lib that owns it, so vault rotation and key counts cover it without knowing it.
 */
export interface SealedTable {
  /** The table name, also the field name in the key counts. */
  readonly table: string;
  /** The encryption context a row's data key is wrapped under. */
  context(id: string): string;
}

interface WrappedRow {
  readonly id: string;
  readonly data_key_id: string;
  readonly wrapped_data_key: Buffer;
}

/** The registry of sealed tables, with the few queries rotation needs on each. */
@Injectable()
export class SealedTables {
  private readonly tables: SealedTable[] = [];

  register(table: SealedTable): void {
    if (!/^[a-z_]+$/.test(table.table)) {
      throw new Error(`sealed table name "${table.table}" is not a plain identifier`);
    }
    if (!this.tables.some((known) => known.table === table.table)) {
      this.tables.push(table);
    }
  }

  all(): readonly SealedTable[] {
    return this.tables;
  }

  async countByDataKey(manager: EntityManager, table: SealedTable): Promise<Map<string, number>> {
    const rows = await manager.query<{ keyId: string; count: number }[]>(
      `SELECT data_key_id AS "keyId", count(*)::int AS count FROM ${table.table}
        WHERE wrapped_data_key IS NOT NULL GROUP BY data_key_id`,
    );
    return new Map(rows.map((row) => [row.keyId, row.count]));
  }

  /** Rows not yet wrapped by `activeKeyId`, locked and skipped by other rotators. */
  async lockBatchToRewrap(
    manager: EntityManager,
    table: SealedTable,
    activeKeyId: string,
    batchSize: number,
  ): Promise<{ id: string; wrapped: WrappedDataKey }[]> {
    const rows = await manager.query<WrappedRow[]>(
      `SELECT id, data_key_id, wrapped_data_key FROM ${table.table}
        WHERE wrapped_data_key IS NOT NULL AND data_key_id <> $1
        LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [activeKeyId, batchSize],
    );
    return rows.map((row) => ({
      id: row.id,
      wrapped: { keyId: row.data_key_id, wrapped: row.wrapped_data_key },
    }));
  }

  async replaceWrapping(
    manager: EntityManager,
    table: SealedTable,
    id: string,
    fromKeyId: string,
    wrapped: WrappedDataKey,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${table.table} SET wrapped_data_key = $1, data_key_id = $2
        WHERE id = $3 AND data_key_id = $4`,
      [wrapped.wrapped, wrapped.keyId, id, fromKeyId],
    );
  }
}
