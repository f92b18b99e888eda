import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Caller } from './caller';
import type { Scope } from './scopes';

export const REQUIRED_SCOPE = 'keyhouse:required-scope';
export const REQUIRED_PROVIDER = 'keyhouse:required-provider';

/** The scope a route needs. Every non-public route must carry one (a test enforces it). */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPE, scope);

/** The upstream a route uses; the caller's `providers` must include it (or "*"). */
export const RequireProvider = (provider: string): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PROVIDER, provider);

export interface RequestWithCaller {
  caller?: Caller;
}

/** The caller on the request; routes Fastify serves directly match on this function. */
export function callerOfRequest(_data: unknown, context: ExecutionContext): Caller {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) {
    throw new Error('CurrentCaller used on a route the guard did not authenticate');
  }
  return caller;
}

/** The authenticated caller, set by the global guard. */
export const CurrentCaller = createParamDecorator(callerOfRequest);
