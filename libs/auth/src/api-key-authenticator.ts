import { type Caller, mayUseProvider, type RequestWithCaller, type Scope } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiClientsService } from './api-clients.service';
import { BEARER_PATTERN } from './api-key';
import { AuthError, AuthErrorCode } from './auth.errors';
import { type ClientBudget, RateLimitsService } from './rate-limit/rate-limits.service';

/** What a non-public route demands of its caller, read once from its decorators. */
export interface RouteAccess {
  /** The scope the key must carry; a route without one is open to no key. */
  readonly scope: Scope | undefined;
  /** The upstream the route uses, if any; the key's providers must include it. */
  readonly provider: string | undefined;
}

/**
 * The one check of a presented API key, for the global guard and for the routes Fastify
 * serves directly alike, in this order: an address past its failed authentications is
 * refused before its key is looked up; then the key; then the client's request budget
 * (RateLimit-* headers on every answer from here on, refusals included); then the route's
 * scope and provider. On success the caller is on the request (`request.caller`).
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    private readonly clients: ApiClientsService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  async authenticate(
    request: FastifyRequest & RequestWithCaller,
    reply: FastifyReply,
    access: RouteAccess,
  ): Promise<Caller> {
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
    sendBudget(reply, budget);
    if (budget.exceeded) {
      throw new AuthError(
        AuthErrorCode.RateLimited,
        `This API key has made its ${budget.limit} requests for this minute; retry later`,
        { retryAfterSeconds: budget.resetSeconds },
      );
    }
    if (!access.scope) {
      throw new AuthError(AuthErrorCode.RouteWithoutScope, 'This route is not open to API keys');
    }
    if (!caller.scopes.includes(access.scope)) {
      throw new AuthError(
        AuthErrorCode.MissingScope,
        `This API key lacks the ${access.scope} scope`,
      );
    }
    if (access.provider && !mayUseProvider(caller, access.provider)) {
      throw new AuthError(
        AuthErrorCode.ProviderNotAllowed,
        `This API key may not use ${access.provider}`,
      );
    }
    return caller;
  }
}

/** RateLimit-* on every authenticated answer, refusals included. */
function sendBudget(reply: FastifyReply, budget: ClientBudget): void {
  void reply.header('ratelimit-limit', String(budget.limit));
  void reply.header('ratelimit-remaining', String(budget.remaining));
  void reply.header('ratelimit-reset', String(budget.resetSeconds));
}
