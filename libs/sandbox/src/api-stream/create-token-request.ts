import { isNonEmptyString, type JsonObject, unknownKeys } from '../common/request-body';

export const API_STREAM_ROLES = [
  'ROLE_HOST',
  'ROLE_COHOST',
  'ROLE_CONTRIBUTOR',
  'ROLE_GUEST',
  'ROLE_VIEWER',
] as const;

export type ApiStreamRole = (typeof API_STREAM_ROLES)[number];

export const DEFAULT_MAX_DURATION_MS = 172_800_000;

export interface CreateTokenRequest {
  readonly serviceUserId: string;
  readonly displayName?: string;
  readonly role: ApiStreamRole;
  readonly maxDurationMs: number;
}

const FIELDS = ['serviceUserId', 'displayName', 'role', 'maxDuration'];

/** The CreateAccessToken body, or the INVALID_ARGUMENT message for it. */
export function parseCreateTokenRequest(body: JsonObject): CreateTokenRequest | string {
  const unknown = unknownKeys(body, FIELDS);
  if (unknown.length > 0) {
    return `unknown field "${unknown[0]}"`;
  }
  const { serviceUserId, displayName, role } = body;
  if (!isNonEmptyString(serviceUserId)) {
    return 'serviceUserId is required';
  }
  if (displayName !== undefined && typeof displayName !== 'string') {
    return 'displayName must be a string';
  }
  if (!(API_STREAM_ROLES as readonly unknown[]).includes(role)) {
    return `role must be one of ${API_STREAM_ROLES.join(', ')}`;
  }
  const maxDurationMs = readDuration(body.maxDuration);
  if (maxDurationMs === undefined) {
    return 'maxDuration must be a positive integer number of milliseconds';
  }
  return { serviceUserId, displayName, role: role as ApiStreamRole, maxDurationMs };
}

/** proto3 JSON takes an int64 as a number or as a decimal string; both are accepted. */
function readDuration(value: unknown): number | undefined {
  if (value === undefined) {
    return DEFAULT_MAX_DURATION_MS;
  }
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof parsed === 'number' && Number.isSafeInteger(parsed) && parsed > 0
    ? parsed
    : undefined;
}
