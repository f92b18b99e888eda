import { KeyhouseError, type ProblemCode } from '@keyhouse/common';

/** The one classification of every upstream answer (per provider, from its published protocol). */
export enum ProviderErrorCode {
  /** The provider has no keys in this deployment. */
  NotConfigured = 'provider_not_configured',
  /** Network failure, timeout, 5xx, 429: try again later. */
  Unavailable = 'upstream_unavailable',
  /** The upstream refused the stored grant (invalid_grant, revoked, Mesh "failed"): the user must connect again. */
  NeedsReauth = 'needs_reauth',
  /** Our own keys were refused (invalid_client, bad API key): an operator must fix the configuration. */
  Misconfigured = 'upstream_misconfigured',
  /** The upstream answered something its protocol does not allow. */
  Malformed = 'upstream_malformed',
  /** The upstream refused this particular request (bad input it would not take). */
  Rejected = 'upstream_rejected',
}

/**
 * What may be kept as an upstream code: one plain word that fits `last_error`, so an
 * upstream's prose, a token it echoes, or a character Postgres refuses never rides in one.
 */
const UPSTREAM_CODE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Whether an upstream's own word (an error type, a status) may be kept as a code. */
export function isUpstreamCode(word: string | undefined): word is string {
  return word !== undefined && UPSTREAM_CODE.test(word);
}

/** `code` if it may be kept, else the classification itself (every one is a plain word). */
function keptCode(code: string | undefined, reason: ProviderErrorCode): string {
  return isUpstreamCode(code) ? code : reason;
}

export interface ProviderErrorDetails {
  /**
   * A short machine code for `last_error` and metrics (e.g. invalid_grant); never upstream
   * text. One that is not a plain word (see isUpstreamCode) is replaced by the reason.
   */
  readonly upstreamCode?: string;
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

export class ProviderError extends KeyhouseError {
  readonly problemCode: ProblemCode;
  readonly upstreamCode: string;

  constructor(
    readonly reason: ProviderErrorCode,
    readonly provider: string,
    detail: string,
    details: ProviderErrorDetails = {},
  ) {
    super(detail, {
      retryAfterSeconds: details.retryAfterSeconds,
      cause: details.cause,
      incident:
        reason === ProviderErrorCode.Misconfigured ? `${provider}_configuration` : undefined,
    });
    this.problemCode = problemCodeOf(reason);
    this.upstreamCode = keptCode(details.upstreamCode, reason);
  }

  /** Worth retrying later without the user (the refresh engine backs off and tries again). */
  get transient(): boolean {
    return this.reason === ProviderErrorCode.Unavailable;
  }
}

function problemCodeOf(reason: ProviderErrorCode): ProblemCode {
  switch (reason) {
    case ProviderErrorCode.NotConfigured:
      return 'provider_not_configured';
    case ProviderErrorCode.Unavailable:
      return 'upstream_unavailable';
    case ProviderErrorCode.NeedsReauth:
      return 'needs_reauth';
    case ProviderErrorCode.Misconfigured:
    case ProviderErrorCode.Malformed:
    case ProviderErrorCode.Rejected:
      return 'upstream_error';
  }
}

export const providerErrors = (provider: string) => ({
  notConfigured: () =>
    new ProviderError(
      ProviderErrorCode.NotConfigured,
      provider,
      `${provider} is not configured in this deployment`,
    ),
  unavailable: (upstreamCode: string, retryAfterSeconds?: number, cause?: unknown) =>
    new ProviderError(
      ProviderErrorCode.Unavailable,
      provider,
      `${provider} is unavailable; try again shortly`,
      {
        upstreamCode,
        retryAfterSeconds: retryAfterSeconds ?? 1,
        cause,
      },
    ),
  needsReauth: (upstreamCode: string) => {
    // The code is in the answer's words too: only a kept one.
    const code = keptCode(upstreamCode, ProviderErrorCode.NeedsReauth);
    return new ProviderError(
      ProviderErrorCode.NeedsReauth,
      provider,
      `${provider} refused the stored grant (${code}); the user must connect again`,
      { upstreamCode: code },
    );
  },
  misconfigured: (upstreamCode: string) =>
    new ProviderError(
      ProviderErrorCode.Misconfigured,
      provider,
      `${provider} refused Keyhouse's credentials; an operator must check the configuration`,
      { upstreamCode },
    ),
  malformed: (what: string) =>
    new ProviderError(
      ProviderErrorCode.Malformed,
      provider,
      `${provider} answered with a malformed ${what}`,
      {
        upstreamCode: 'malformed_answer',
      },
    ),
  rejected: (upstreamCode: string, status: number) =>
    new ProviderError(
      ProviderErrorCode.Rejected,
      provider,
      `${provider} refused the request (HTTP ${status})`,
      {
        upstreamCode,
      },
    ),
});

/**
 * The upstream stopped a refresh for a one-time code from the user (Mesh `mfaRequired`).
 * It counts as a refused grant until the code arrives; `interimAccessToken` is what the
 * second call must carry, and is kept sealed meanwhile, never logged.
 */
export class SecondFactorRequired extends ProviderError {
  // A private field: not enumerable, so no logger or serialiser ever walks into it.
  readonly #interimAccessToken: string;

  constructor(provider: string, interimAccessToken: string, upstreamCode = 'mfa_required') {
    super(
      ProviderErrorCode.NeedsReauth,
      provider,
      `${provider} needs a one-time code from the user to finish the refresh`,
      { upstreamCode },
    );
    this.#interimAccessToken = interimAccessToken;
  }

  get interimAccessToken(): string {
    return this.#interimAccessToken;
  }
}
