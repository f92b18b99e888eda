import { providerErrors } from '@keyhouse/providers';
import { assertUsable, type CredentialEntity } from '@keyhouse/vault';
import type { RefreshRun } from './refresh-executor.service';

/** Outcomes that leave the stored token as it was. */
const UNFINISHED = new Set<RefreshRun['outcome']>(['retry', 'handed_back', 'answer_lost']);

/**
 * One mapping from a refresh (on a read, or an operator's) to the answer: a refresh that did
 * not finish is a 503 naming why, except that a read still serves a stored token that has
 * not expired; what the refresh left must then be usable (needs_reauth, expired: 424).
 * `current` is the row as it is after the refresh.
 */
export function assertRefreshServed(
  run: RefreshRun | undefined,
  current: CredentialEntity,
  purpose: 'read' | 'admin',
): void {
  if (run !== undefined && UNFINISHED.has(run.outcome)) {
    const servable =
      purpose === 'read' &&
      current.encryptedAccessToken !== null &&
      current.expiresAt !== null &&
      current.expiresAt > new Date();
    if (!servable) {
      throw providerErrors(current.provider).unavailable('code' in run ? run.code : run.outcome);
    }
  }
  assertUsable(current);
}
