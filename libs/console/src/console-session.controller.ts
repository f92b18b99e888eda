import { displayPrefix } from '@keyhouse/auth';
import { Public } from '@keyhouse/common';
import { KeyhouseConfig, Secret } from '@keyhouse/config';
import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminApiClient } from './admin-api.client';
import { ConsoleError, ConsoleErrorCode } from './console.errors';
import {
  ConsoleSessionGuard,
  type RequestWithSession,
  sessionCookie,
} from './console-session.guard';
import {
  type ConsoleSession,
  ConsoleSessionStore,
  SESSION_TTL_SECONDS,
} from './console-session.store';
import { type ConsoleSessionResponse, SignInDto } from './dto/sign-in.dto';

/** Signing in to the console: an admin API key, exchanged once for a session cookie. */
@ApiExcludeController()
@ApiCookieAuth()
@Public()
@Controller('console/session')
export class ConsoleSessionController {
  constructor(
    private readonly config: KeyhouseConfig,
    private readonly sessions: ConsoleSessionStore,
    private readonly adminApi: AdminApiClient,
  ) {}

  @Post()
  @HttpCode(201)
  async signIn(
    @Body() body: SignInDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsoleSessionResponse> {
    // The key proves itself the way every admin call does: through the admin API's guard.
    const probe = await this.adminApi.request(
      'GET',
      '/admin/clients?limit=1',
      new Secret(body.apiKey),
      undefined,
      request.ip,
    );
    if (probe.status === 401) {
      throw new ConsoleError(
        ConsoleErrorCode.UnknownKey,
        'That API key is unknown, rotated or deleted: check it, or ask for a new admin key',
      );
    }
    if (probe.status === 403) {
      throw new ConsoleError(
        ConsoleErrorCode.NotAdminKey,
        'That is a team key without the admin scope: sign in with an admin API key',
      );
    }
    if (probe.status !== 200) {
      void reply.status(probe.status).header('content-type', probe.contentType);
      return JSON.parse(probe.body) as ConsoleSessionResponse;
    }
    const { id, session } = this.sessions.create(body.apiKey, displayPrefix(body.apiKey));
    void reply
      .header('set-cookie', sessionCookie(id, SESSION_TTL_SECONDS, this.config.isProduction))
      .header('cache-control', 'no-store');
    return present(session);
  }

  @Get()
  @UseGuards(ConsoleSessionGuard)
  current(
    @Req() request: RequestWithSession,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): ConsoleSessionResponse {
    void reply.header('cache-control', 'no-store');
    return present(request.consoleSession!);
  }

  @Delete()
  @HttpCode(204)
  @UseGuards(ConsoleSessionGuard)
  signOut(
    @Req() request: FastifyRequest & RequestWithSession,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): void {
    this.sessions.destroy(request.consoleSessionId);
    void reply.header('set-cookie', sessionCookie('', 0, this.config.isProduction));
  }
}

function present(session: ConsoleSession): ConsoleSessionResponse {
  return {
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt.toISOString(),
    keyPrefix: session.keyPrefix,
  };
}
