import { ProviderError, ProviderErrorCode } from '@keyhouse/providers';
import type { LeasedCredential } from '@keyhouse/vault';

export type FailureVerdict =
  /** The upstream refused the grant: mark needs_reauth, stop refreshing. */
  | { readonly kind: 'reauth'; readonly code: string }
  /** Anything else: back off and try again (and say so in attempts / last_error). */
  | { readonly kind: 'retry'; readonly code: string };

/**
 * Only a refused grant is permanent. Our own misconfiguration (a bad client secret) or a
 * malformed answer is retried with backoff and reported loudly, never allowed to turn every
 * connection into needs_reauth; Nango treating invalid_grant as transient is the opposite
 * mistake, and that one is avoided too.
 */
export function classifyFailure(error: unknown): FailureVerdict {
  if (error instanceof ProviderError) {
    return error.reason === ProviderErrorCode.NeedsReauth
      ? { kind: 'reauth', code: error.upstreamCode }
      : { kind: 'retry', code: error.upstreamCode };
  }
  return { kind: 'retry', code: 'internal_error' };
}

/**
 * A refused refresh token right after taking over a lapsed lease most likely means the
 * previous holder presented it and its answer was lost (a crash, or the database away past
 * its lease): the grant rotated upstream and the new one is gone. Saying `response_lost`
 * tells operators and the team that Keyhouse lost it, not that the user revoked anything.
 */
export function lostAnswerAware(verdict: FailureVerdict, claim: LeasedCredential): FailureVerdict {
  return verdict.kind === 'reauth' &&
    verdict.code === 'refresh_token_rejected' &&
    claim.tookOverLapsedLease
    ? { kind: 'reauth', code: 'response_lost' }
    : verdict;
}
