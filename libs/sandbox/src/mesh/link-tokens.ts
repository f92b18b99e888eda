import { randomUUID } from 'node:crypto';
import { opaqueToken } from '../common/random-token';

/** Mesh: use a link token within 10 minutes. */
export const MESH_LINK_TOKEN_LIFETIME_SECONDS = 600;

interface LinkToken {
  readonly userId: string;
  readonly expiresAt: number;
  used: boolean;
}

/**
 * The fake's link tokens: base64 of a URL of the sandbox Link page, one Link session each,
 * live for 10 minutes and good for one finished session.
 */
export class LinkTokens {
  private readonly tokens = new Map<string, LinkToken>();
  private readonly sessions = new Map<string, string>();

  /** A new link token for `userId`, pointing at `pageUrl` with its own session. */
  create(userId: string, pageUrl: string, now: number): string {
    const session = randomUUID();
    const url = `${pageUrl}?session=${session}&auth_code=${opaqueToken(24)}`;
    const linkToken = Buffer.from(url).toString('base64');
    this.sessions.set(session, linkToken);
    this.tokens.set(linkToken, {
      userId,
      expiresAt: now + MESH_LINK_TOKEN_LIFETIME_SECONDS * 1000,
      used: false,
    });
    return linkToken;
  }

  ofSession(session: string | undefined): string | undefined {
    return session === undefined ? undefined : this.sessions.get(session);
  }

  /** The user the link token was minted for; it is used up. Throws if unknown, used or expired. */
  take(linkToken: string, now: number): string {
    const link = this.tokens.get(linkToken);
    if (link === undefined || link.used || link.expiresAt <= now) {
      throw new Error('connectAccount: the link token is unknown, used or expired');
    }
    link.used = true;
    return link.userId;
  }
}
