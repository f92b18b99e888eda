import { sessionCookie } from './console-session.guard';
import {
  ConsoleSessionStore,
  csrfTokenMatches,
  SESSION_TTL_SECONDS,
} from './console-session.store';

describe('console sessions', () => {
  it('marks the cookie Secure outside development and lets it expire with the session', () => {
    expect(sessionCookie('abc', SESSION_TTL_SECONDS, true)).toBe(
      'keyhouse_console=abc; Path=/console; HttpOnly; SameSite=Strict; Max-Age=28800; Secure',
    );
    expect(sessionCookie('abc', 0, false)).not.toContain('Secure');
  });

  it('finds a session by its id until it expires, never by anything else', () => {
    const store = new ConsoleSessionStore();
    const now = Date.now();
    const { id, session } = store.create('admin-key-value-0123456789abcdef', 'admi', now);
    expect(store.find(id, now)).toBe(session);
    expect(store.find(`${id}x`, now)).toBeUndefined();
    expect(store.find(undefined, now)).toBeUndefined();
    expect(String(session.apiKey)).toBe('[redacted]');
    expect(store.find(id, now + SESSION_TTL_SECONDS * 1_000)).toBeUndefined();
    expect(store.find(id, now)).toBeUndefined();
  });

  it('signs a session out', () => {
    const store = new ConsoleSessionStore();
    const { id } = store.create('admin-key-value-0123456789abcdef', 'admi');
    store.destroy(id);
    expect(store.find(id)).toBeUndefined();
  });

  it('compares CSRF tokens exactly', () => {
    const { session } = new ConsoleSessionStore().create(
      'admin-key-value-0123456789abcdef',
      'admi',
    );
    expect(csrfTokenMatches(session, session.csrfToken)).toBe(true);
    expect(csrfTokenMatches(session, `${session.csrfToken}x`)).toBe(false);
    expect(csrfTokenMatches(session, undefined)).toBe(false);
    expect(csrfTokenMatches(session, [session.csrfToken])).toBe(false);
  });
});
