import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { VaultError, VaultErrorCode } from '../vault.errors';

/**
 * Token ciphertext layout (all bytes are authenticated):
 *   [0]      format version (0x01)
 *   [1]      algorithm (0x01 = AES-256-GCM)
 *   [2..13]  96-bit random nonce, fresh for every seal
 *   [14..-17] ciphertext
 *   [-16..]  GCM tag
 * The two header bytes are part of the associated data, so a downgraded or altered header
 * fails to open like any other tampering.
 */
const FORMAT_VERSION = 0x01;
const ALGORITHM_AES_256_GCM = 0x01;
const HEADER_BYTES = 2;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export const SEALED_OVERHEAD_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;

export function seal(plaintext: string, dataKey: Buffer, associatedData: Buffer): Buffer {
  const header = Buffer.of(FORMAT_VERSION, ALGORITHM_AES_256_GCM);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(Buffer.concat([header, associatedData]));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
}

export function open(sealed: Buffer, dataKey: Buffer, associatedData: Buffer): string {
  if (sealed.length < SEALED_OVERHEAD_BYTES) {
    throw new VaultError(VaultErrorCode.UnsupportedFormat, 'sealed value is truncated');
  }
  if (sealed[0] !== FORMAT_VERSION || sealed[1] !== ALGORITHM_AES_256_GCM) {
    throw new VaultError(
      VaultErrorCode.UnsupportedFormat,
      'sealed value has an unknown format or algorithm',
    );
  }
  const header = sealed.subarray(0, HEADER_BYTES);
  const nonce = sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(HEADER_BYTES + NONCE_BYTES, sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce);
    decipher.setAAD(Buffer.concat([header, associatedData]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    // Never garbage: a wrong key, a flipped bit or a value from another row all land here.
    throw new VaultError(VaultErrorCode.CannotOpen, 'sealed value failed authentication');
  }
}

/** The nonce of a sealed value (for the no-repeat property test). */
export function nonceOf(sealed: Buffer): Buffer {
  return sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
}
