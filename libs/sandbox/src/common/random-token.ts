import { randomBytes } from 'node:crypto';

/** An opaque, unguessable token: `bytes` random bytes as base64url (32 bytes give 43 chars). */
export function opaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
