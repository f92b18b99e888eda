import { SetMetadata } from '@nestjs/common';

export const DIRECT_ROUTE = 'keyhouse:direct-route';

/**
 * Marks a hot route for Fastify to call straight, without Nest's per-request pipeline
 * (execution context, guard and pipe chains, exception zone): the gateway's direct-route
 * executor runs the same API-key check, the route's own param pipes and the same
 * problem+json mapping, set up once at start rather than per request. Only routes whose
 * arguments are the caller and string path params qualify; any other argument makes the
 * gateway refuse to start, so a marked route cannot silently skip a check.
 */
export const DirectRoute = (): MethodDecorator => SetMetadata(DIRECT_ROUTE, true);
