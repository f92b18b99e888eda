import { Public } from '@keyhouse/common';
import { All, Controller, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AdminMethod, AdminApiClient } from './admin-api.client';
import { ConsoleError, ConsoleErrorCode } from './console.errors';
import { ConsoleSessionGuard, type RequestWithSession } from './console-session.guard';
import { ConsoleSessionStore } from './console-session.store';

const PREFIX = '/console/api/';
/** Path segments of admin routes: names and ids, nothing that could climb out of /admin. */
const ADMIN_PATH = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const METHODS = new Set<string>(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * /console/api/<path> is /admin/<path>, called with the signed-in operator's key: the
 * browser never holds the key, and the console can do exactly what the admin API allows.
 */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleSessionGuard)
@Controller('console/api')
export class ConsoleApiController {
  constructor(
    private readonly adminApi: AdminApiClient,
    private readonly sessions: ConsoleSessionStore,
  ) {}

  @All('*')
  async forward(
    @Req() request: FastifyRequest & RequestWithSession,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const [path = '', query] = splitUrl(request.url.slice(PREFIX.length));
    if (!ADMIN_PATH.test(path) || !METHODS.has(request.method)) {
      throw new ConsoleError(
        ConsoleErrorCode.NotAnAdminRoute,
        'The console API only forwards to admin routes: see /docs for them',
      );
    }
    const answer = await this.adminApi.request(
      request.method as AdminMethod,
      `/admin/${path}${query === undefined ? '' : `?${query}`}`,
      request.consoleSession!.apiKey,
      request.body,
      request.ip,
    );
    if (answer.status === 401) {
      // The key was rotated or deleted since sign-in: this session is over.
      this.sessions.destroy(request.consoleSessionId);
    }
    void reply
      .status(answer.status)
      .header('cache-control', 'no-store')
      .header('content-type', answer.contentType);
    if (answer.retryAfter !== undefined) {
      void reply.header('retry-after', answer.retryAfter);
    }
    await reply.send(answer.status === 204 ? undefined : answer.body);
  }
}

function splitUrl(url: string): [string, string | undefined] {
  const mark = url.indexOf('?');
  return mark < 0 ? [url, undefined] : [url.slice(0, mark), url.slice(mark + 1)];
}
