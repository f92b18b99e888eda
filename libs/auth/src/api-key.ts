import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export type ApiKeyKind = 'live' | 'dev';

/** 256 random bits, base64url, behind a prefix that says what the string is (and feeds secret scanners). */
export function generateApiKey(kind: ApiKeyKind): string {
  return `kh_${kind}_${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 is the right hash here: keys carry 256 bits of entropy, so there is nothing to
 * brute-force, and a slow hash would tax every request. Operator-supplied bootstrap keys
 * must be 32+ characters for the same reason. One-shot `hash()`: no Hash object per request.
 */
export function hashApiKey(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

export function hashesMatch(stored: Buffer, presented: Buffer): boolean {
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

/** What admins see instead of the key: `kh_live_AbCd` for our keys, 4 characters otherwise. */
export function displayPrefix(key: string): string {
  return /^kh_[a-z]+_/.test(key) ? key.slice(0, key.indexOf('_', 3) + 5) : key.slice(0, 4);
}

/** The shape a bearer credential must have before we spend a database lookup on it. */
export const BEARER_PATTERN = /^Bearer ([\x21-\x7E]{32,512})$/;
