import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ConsoleError, ConsoleErrorCode } from './console.errors';
import {
  type ConsoleSession,
  ConsoleSessionStore,
  csrfTokenMatches,
} from './console-session.store';

export const SESSION_COOKIE = 'keyhouse_console';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export interface RequestWithSession {
  consoleSession?: ConsoleSession;
  consoleSessionId?: string;
}

/**
 * Console routes authenticate with the session cookie instead of a bearer key. A request
 * that changes state must also carry the session's CSRF token in a header, which another
 * site can neither read nor set; cross-site requests are refused outright where the browser
 * says so (Sec-Fetch-Site other than same-origin), and the cookie is SameSite=Strict besides.
 */
@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(private readonly sessions: ConsoleSessionStore) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithSession>();
    const id = sessionIdOf(request);
    const session = this.sessions.find(id);
    if (!session) {
      throw new ConsoleError(
        ConsoleErrorCode.NotSignedIn,
        'Not signed in, or the session expired: sign in again with an admin API key',
      );
    }
    if (!SAFE_METHODS.has(request.method)) {
      // Another port of the same host is "same-site", and SameSite cookies go along: only
      // the console's own origin may write (browsers that send no Sec-Fetch-Site rely on the token).
      const site = request.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin') {
        throw new ConsoleError(
          ConsoleErrorCode.CsrfRejected,
          'Requests from other sites to the console are refused: use the console itself',
        );
      }
      if (!csrfTokenMatches(session, request.headers[CSRF_HEADER])) {
        throw new ConsoleError(
          ConsoleErrorCode.CsrfRejected,
          `Missing or wrong ${CSRF_HEADER} header: reload the console page and try again`,
        );
      }
    }
    request.consoleSession = session;
    request.consoleSessionId = id;
    return true;
  }
}

export function sessionIdOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) {
      return value.join('=') || undefined;
    }
  }
  return undefined;
}

/** HttpOnly (scripts never see it), SameSite=Strict, scoped to /console, expiring with the session. */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    'Path=/console',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
