import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { KEYRING } from './credential-cipher';
import type { Keyring, WrappedDataKey } from './keyring';
import { open, seal } from './sealed-box';

/** A row other than a credential that keeps secrets (a webhook endpoint, ...). */
export interface SealedRecord {
  /** What kind of row, e.g. "webhook_endpoint": part of every binding. */
  readonly kind: string;
  readonly id: string;
}

/**
 * The vault's envelope encryption for other tables' secrets, built like a credential's:
 * a random data key per row, wrapped by the active vault key under the row's kind and id,
 * and each ciphertext bound to (kind, id, field), so a value copied to another row or
 * field does not open.
 */
@Injectable()
export class RecordCipher {
  constructor(@Inject(KEYRING) private readonly keyring: Keyring) {}

  async newDataKey(record: SealedRecord): Promise<{ dataKey: Buffer; wrapped: WrappedDataKey }> {
    const dataKey = randomBytes(32);
    return { dataKey, wrapped: await this.keyring.wrap(dataKey, contextOf(record)) };
  }

  dataKeyOf(record: SealedRecord, wrapped: WrappedDataKey): Promise<Buffer> {
    return this.keyring.unwrap(wrapped, contextOf(record));
  }

  /** Re-wraps a row's data key under the active vault key. */
  async rewrap(record: SealedRecord, wrapped: WrappedDataKey): Promise<WrappedDataKey> {
    return this.keyring.wrap(await this.dataKeyOf(record, wrapped), contextOf(record));
  }

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  seal(record: SealedRecord, dataKey: Buffer, field: string, value: string): Buffer {
    return seal(value, dataKey, associatedData(record, field));
  }

  open(record: SealedRecord, dataKey: Buffer, field: string, sealed: Buffer): string {
    return open(sealed, dataKey, associatedData(record, field));
  }
}

function contextOf(record: SealedRecord): string {
  return `${record.kind}:${record.id}`;
}

function associatedData(record: SealedRecord, field: string): Buffer {
  return Buffer.from(JSON.stringify(['keyhouse.record.v1', record.kind, record.id, field]), 'utf8');
}
