import { createCipheriv, createDecipheriv } from 'node:crypto';
import { VaultError, VaultErrorCode } from '../vault.errors';
import { pooledRandomBytes } from './random-pool';

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

/** The header of the one supported layout; it is authenticated as the AAD's prefix. */
const HEADER = Buffer.of(FORMAT_VERSION, ALGORITHM_AES_256_GCM);

/**
 * `associatedData` as the cipher authenticates it: the header, then the caller's bytes.
 * Callers that open the same field many times (a token read) may keep this and pass it to
 * `openWithAad`.
 */
export function sealedAad(associatedData: Buffer): Buffer {
  return Buffer.concat([HEADER, associatedData]);
}

export function seal(plaintext: string, dataKey: Buffer, associatedData: Buffer): Buffer {
  const nonce = pooledRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(sealedAad(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([HEADER, nonce, body, cipher.getAuthTag()]);
}

export function open(sealed: Buffer, dataKey: Buffer, associatedData: Buffer): string {
  return openWithAad(sealed, dataKey, sealedAad(associatedData));
}

/** `open`, given the AAD `sealedAad` built (the header check below still runs). */
export function openWithAad(sealed: Buffer, dataKey: Buffer, aad: Buffer): string {
  if (sealed.length < SEALED_OVERHEAD_BYTES) {
    throw new VaultError(VaultErrorCode.UnsupportedFormat, 'sealed value is truncated');
  }
  if (sealed[0] !== FORMAT_VERSION || sealed[1] !== ALGORITHM_AES_256_GCM) {
    throw new VaultError(
      VaultErrorCode.UnsupportedFormat,
      'sealed value has an unknown format or algorithm',
    );
  }
  const nonce = sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(HEADER_BYTES + NONCE_BYTES, sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    // The decipher's own UTF-8 decoder: no intermediate buffers to concatenate.
    return decipher.update(body, undefined, 'utf8') + decipher.final('utf8');
  } catch {
    // Never garbage: a wrong key, a flipped bit or a value from another row all land here.
    throw new VaultError(VaultErrorCode.CannotOpen, 'sealed value failed authentication');
  }
}

/** The nonce of a sealed value (for the no-repeat property test). */
export function nonceOf(sealed: Buffer): Buffer {
  return sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
}
