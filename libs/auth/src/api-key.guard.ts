import {
  IS_PUBLIC,
  REQUIRED_PROVIDER,
  REQUIRED_SCOPE,
  type RequestWithCaller,
  type Scope,
} from '@keyhouse/common';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyAuthenticator } from './api-key-authenticator';

/**
 * The global guard: every route needs a valid API key carrying the route's scope unless it
 * is marked @Public(). A route with neither is refused, so forgetting a decorator fails
 * closed (and a test lists every route to catch it before that). The checks themselves,
 * rate-limit budgets included, are ApiKeyAuthenticator's.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const http = context.switchToHttp();
    await this.authenticator.authenticate(
      http.getRequest<FastifyRequest & RequestWithCaller>(),
      http.getResponse<FastifyReply>(),
      {
        scope: this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets),
        provider: this.reflector.getAllAndOverride<string | undefined>(REQUIRED_PROVIDER, targets),
      },
    );
    return true;
  }
}
