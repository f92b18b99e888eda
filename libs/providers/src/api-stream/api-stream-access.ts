import { AuthError, AuthErrorCode } from '@keyhouse/auth';
import {
  type Caller,
  DEVELOPMENT_MAX_LIFETIME_SECONDS,
  DEVELOPMENT_ROLES,
  type Role,
  roleWithin,
} from '@keyhouse/common';

/** api.stream's own default maxDuration (docs/protocols.md, api.stream CreateAccessToken): 48 hours. */
export const DEFAULT_LIFETIME_SECONDS = 172_800;
export const MAX_LIFETIME_SECONDS = 30 * 86_400;

/**
 * What this caller may mint, decided before anything is sent upstream: the role within the
 * client's maxRole, and for development keys only GUEST/VIEWER for at most an hour (their
 * default lifetime is that hour). Returns the lifetime to ask for.
 */
export function allowedLifetimeSeconds(
  caller: Caller,
  role: Role,
  requestedSeconds: number | undefined,
): number {
  if (caller.maxRole !== null && !roleWithin(role, caller.maxRole)) {
    throw new AuthError(
      AuthErrorCode.RoleNotAllowed,
      `this API key may mint api.stream roles up to ${caller.maxRole}, not ${role}`,
    );
  }
  if (!caller.development) {
    return requestedSeconds ?? DEFAULT_LIFETIME_SECONDS;
  }
  if (!DEVELOPMENT_ROLES.includes(role)) {
    throw new AuthError(
      AuthErrorCode.DevelopmentLimit,
      `development keys may mint only ${DEVELOPMENT_ROLES.join(' or ')} tokens`,
    );
  }
  const lifetime = requestedSeconds ?? DEVELOPMENT_MAX_LIFETIME_SECONDS;
  if (lifetime > DEVELOPMENT_MAX_LIFETIME_SECONDS) {
    throw new AuthError(
      AuthErrorCode.DevelopmentLimit,
      `development keys may mint tokens of at most ${DEVELOPMENT_MAX_LIFETIME_SECONDS} seconds`,
    );
  }
  return lifetime;
}
