import { ProviderError, ProviderErrorCode } from '@keyhouse/providers';

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
