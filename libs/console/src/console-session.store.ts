import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Secret } from '@keyhouse/config';
import { Injectable } from '@nestjs/common';

/** Sessions end 8 hours after sign-in; the cookie says the same with Max-Age. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;
/** A bound on memory: past it, the oldest session is signed out. */
const MAX_SESSIONS = 1_000;

export interface ConsoleSession {
  /** The operator's admin key. Held in this process's memory only, never sent to the browser. */
  readonly apiKey: Secret;
  readonly keyPrefix: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

/**
 * Console sessions, in this process's memory. The browser holds only a random session id
 * (an HttpOnly cookie) and a CSRF token; the admin key stays here. Several gateways behind
 * one address need sticky sessions for the console (a restart signs everyone out).
 */
@Injectable()
export class ConsoleSessionStore {
  /** Keyed by a hash of the session id, so the map itself holds nothing a cookie could replay. */
  private readonly sessions = new Map<string, ConsoleSession>();

  create(
    apiKey: string,
    keyPrefix: string,
    now = Date.now(),
  ): { id: string; session: ConsoleSession } {
    this.sweep(now);
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const session: ConsoleSession = {
      apiKey: new Secret(apiKey),
      keyPrefix,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: new Date(now + SESSION_TTL_SECONDS * 1_000),
    };
    this.sessions.set(hashOf(id), session);
    return { id, session };
  }

  find(id: string | undefined, now = Date.now()): ConsoleSession | undefined {
    if (!id) {
      return undefined;
    }
    const key = hashOf(id);
    const session = this.sessions.get(key);
    if (session && session.expiresAt.getTime() <= now) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  destroy(id: string | undefined): void {
    if (id) {
      this.sessions.delete(hashOf(id));
    }
  }

  private sweep(now: number): void {
    for (const [key, session] of this.sessions) {
      if (session.expiresAt.getTime() <= now) {
        this.sessions.delete(key);
      }
    }
  }
}

export function csrfTokenMatches(session: ConsoleSession, presented: unknown): boolean {
  if (typeof presented !== 'string') {
    return false;
  }
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
