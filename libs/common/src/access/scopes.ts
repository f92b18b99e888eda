/** What an API key may do (docs/api.md, "Scopes"). */
export const SCOPES = [
  'tokens:issue',
  'tokens:read',
  'credentials:write',
  'events:read',
  'webhooks:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** api.stream roles, most to least capable; a client's `maxRole` caps what it can mint. */
export const ROLES = ['HOST', 'COHOST', 'CONTRIBUTOR', 'GUEST', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** Development keys may only mint these roles, and tokens of at most an hour. */
export const DEVELOPMENT_ROLES: readonly Role[] = ['GUEST', 'VIEWER'];
export const DEVELOPMENT_MAX_LIFETIME_SECONDS = 3_600;

export const ALL_PROVIDERS = '*';

/** True when `role` is no more capable than `ceiling`. */
export function roleWithin(role: Role, ceiling: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(ceiling);
}
