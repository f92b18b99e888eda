import { IS_PUBLIC } from '@keyhouse/common';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiClientsService } from './api-clients.service';
import { BEARER_PATTERN } from './api-key';
import { REQUIRED_PROVIDER, REQUIRED_SCOPE, type RequestWithCaller } from '@keyhouse/common';
import { AuthError, AuthErrorCode } from './auth.errors';
import { mayUseProvider } from '@keyhouse/common';
import type { Scope } from '@keyhouse/common';
import { type ClientBudget, RateLimitsService } from './rate-limit/rate-limits.service';

/**
 * The global guard: every route needs a valid API key carrying the route's scope unless it
 * is marked @Public(). A route with neither is refused, so forgetting a decorator fails
 * closed (and a test lists every route to catch it before that).
 * It also spends the rate-limit budgets: an address past its failed authentications is
 * refused before its key is looked up, a client past its requests after.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly clients: ApiClientsService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & RequestWithCaller>();
    await this.rateLimits.assertAddressMayAuthenticate(request.ip);
    const bearer = BEARER_PATTERN.exec(request.headers.authorization ?? '');
    if (!bearer?.[1]) {
      await this.rateLimits.recordAuthFailure(request.ip);
      throw new AuthError(
        AuthErrorCode.MissingKey,
        'Send the API key as Authorization: Bearer <key>',
      );
    }
    const caller = await this.clients.authenticate(bearer[1]);
    if (!caller) {
      await this.rateLimits.recordAuthFailure(request.ip);
      throw new AuthError(AuthErrorCode.UnknownKey, 'The API key is unknown, rotated or deleted');
    }
    request.caller = caller;
    const budget = await this.rateLimits.consume(caller.clientId);
    sendBudget(http.getResponse<FastifyReply>(), budget);
    if (budget.exceeded) {
      throw new AuthError(
        AuthErrorCode.RateLimited,
        `This API key has made its ${budget.limit} requests for this minute; retry later`,
        { retryAfterSeconds: budget.resetSeconds },
      );
    }

    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    if (!scope) {
      throw new AuthError(AuthErrorCode.RouteWithoutScope, 'This route is not open to API keys');
    }
    if (!caller.scopes.includes(scope)) {
      throw new AuthError(AuthErrorCode.MissingScope, `This API key lacks the ${scope} scope`);
    }
    const provider = this.reflector.getAllAndOverride<string | undefined>(
      REQUIRED_PROVIDER,
      targets,
    );
    if (provider && !mayUseProvider(caller, provider)) {
      throw new AuthError(AuthErrorCode.ProviderNotAllowed, `This API key may not use ${provider}`);
    }
    return true;
  }
}

/** RateLimit-* on every authenticated answer, refusals included. */
function sendBudget(reply: FastifyReply, budget: ClientBudget): void {
  void reply.header('ratelimit-limit', String(budget.limit));
  void reply.header('ratelimit-remaining', String(budget.remaining));
  void reply.header('ratelimit-reset', String(budget.resetSeconds));
}
