import { createCipheriv, createDecipheriv } from 'node:crypto';
import { VaultError, VaultErrorCode } from '../vault.errors';
import { pooledRandomBytes } from './random-pool';

/** A data key wrapped by a key-encryption key, with the id of the KEK that wrapped it. */
export interface WrappedDataKey {
  readonly keyId: string;
  readonly wrapped: Buffer;
}

/**
 * The key-encryption-key boundary, shaped like a cloud KMS (encrypt/decrypt a small blob
 * under a named key, with an encryption context), so a KMS client can replace the local
 * implementation without the vault changing. `context` must be given again to unwrap.
 */
export interface Keyring {
  readonly activeKeyId: string;
  keyIds(): readonly string[];
  hasKey(keyId: string): boolean;
  wrap(dataKey: Buffer, context: string): Promise<WrappedDataKey>;
  unwrap(wrappedKey: WrappedDataKey, context: string): Promise<Buffer>;
}

const WRAP_FORMAT = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** KEKs held in process memory, from VAULT_KEYS (or DATA_DIR outside production). */
export class LocalKeyring implements Keyring {
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: ReadonlyMap<string, Buffer>,
    readonly activeKeyId: string,
  ) {
    for (const [id, key] of keys) {
      if (key.length !== 32) {
        throw new VaultError(VaultErrorCode.InvalidKeyring, `vault key "${id}" is not 32 bytes`);
      }
    }
    if (!keys.has(activeKeyId)) {
      throw new VaultError(
        VaultErrorCode.InvalidKeyring,
        `VAULT_ACTIVE_KEY "${activeKeyId}" is not in VAULT_KEYS`,
      );
    }
    this.#keys = keys;
  }

  keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  hasKey(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  // Promise-returning like a KMS call: failures arrive as rejections, never as sync throws.
  wrap(dataKey: Buffer, context: string): Promise<WrappedDataKey> {
    return new Promise((resolve) => resolve(this.wrapNow(dataKey, context)));
  }

  unwrap(wrappedKey: WrappedDataKey, context: string): Promise<Buffer> {
    return new Promise((resolve) => resolve(this.unwrapNow(wrappedKey, context)));
  }

  private wrapNow(dataKey: Buffer, context: string): WrappedDataKey {
    const nonce = pooledRandomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.kek(this.activeKeyId), nonce);
    cipher.setAAD(wrapAad(this.activeKeyId, context));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    const wrapped = Buffer.concat([Buffer.of(WRAP_FORMAT), nonce, body, cipher.getAuthTag()]);
    return { keyId: this.activeKeyId, wrapped };
  }

  private unwrapNow(wrappedKey: WrappedDataKey, context: string): Buffer {
    const { keyId, wrapped } = wrappedKey;
    const kek = this.kek(keyId);
    if (wrapped.length <= 1 + NONCE_BYTES + TAG_BYTES || wrapped[0] !== WRAP_FORMAT) {
      throw new VaultError(
        VaultErrorCode.UnsupportedFormat,
        'wrapped data key has an unknown format',
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(1, 1 + NONCE_BYTES));
      decipher.setAAD(wrapAad(keyId, context));
      decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
      const body = wrapped.subarray(1 + NONCE_BYTES, wrapped.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new VaultError(
        VaultErrorCode.CannotOpen,
        `data key does not open under vault key "${keyId}"`,
      );
    }
  }

  private kek(keyId: string): Buffer {
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new VaultError(
        VaultErrorCode.UnknownKey,
        `vault key "${keyId}" is not configured (VAULT_KEYS)`,
      );
    }
    return key;
  }
}

/** Binds a wrapped data key to its KEK id and to the credential it belongs to. */
function wrapAad(keyId: string, context: string): Buffer {
  return Buffer.from(JSON.stringify(['keyhouse.dek.v1', keyId, context]), 'utf8');
}
