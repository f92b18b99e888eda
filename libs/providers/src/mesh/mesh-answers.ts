// Every Mesh answer is classified here, and only here (Mesh's published OpenAPI and Link SDK types).
import { jsonObject, retryAfterSeconds, stringField } from '../http/json-body';
import type { UpstreamResponse } from '../http/upstream-http.service';
import { isUpstreamCode, providerErrors, SecondFactorRequired } from '../provider.errors';

export const MESH = 'mesh';
const errors = providerErrors(MESH);

/** The `content` of an `ok` envelope, or the error this answer means. */
export function meshContent(response: UpstreamResponse): Record<string, unknown> {
  const envelope = jsonObject(response);
  if (response.status === 401) {
    // A bad client id/secret is a 401 with an empty body.
    throw errors.misconfigured('invalid_client_credentials');
  }
  if (response.status === 429 || stringField(envelope, 'status') === 'tooManyRequest') {
    throw errors.unavailable('rate_limited', retryAfterSeconds(response));
  }
  if (response.status >= 500) {
    throw errors.unavailable(`http_${response.status}`, retryAfterSeconds(response));
  }
  if (response.status === 400 && stringField(envelope, 'message') === 'Unauthorized token') {
    throw errors.needsReauth('refresh_token_rejected');
  }
  if (response.status !== 200) {
    // The envelope's status word when it is one (badRequest), never its message text.
    const status = stringField(envelope, 'status');
    throw errors.rejected(
      isUpstreamCode(status) ? status : `http_${response.status}`,
      response.status,
    );
  }
  const content = envelope?.content;
  if (stringField(envelope, 'status') !== 'ok' || typeof content !== 'object' || content === null) {
    throw errors.malformed('envelope');
  }
  return content as Record<string, unknown>;
}

/** One account's tokens in a refresh answer. */

/** An answer whose envelope must say `ok` (DELETE /account carries no content). */
export function meshStatusOk(response: UpstreamResponse): void {
  const envelope = jsonObject(response);
  const status = stringField(envelope, 'status');
  if (response.status === 200 && status === 'ok') {
    return;
  }
  if (response.status >= 400 && response.status < 500 && ![401, 429].includes(response.status)) {
    // The upstream's own words for it (errorType, else status), never its message text.
    const code = [stringField(envelope, 'errorType'), status].find(isUpstreamCode);
    throw errors.rejected(code ?? `http_${response.status}`, response.status);
  }
  meshContent(response);
  throw errors.malformed('envelope');
}

export interface MeshAccountTokens {
  readonly accountId: string | null;
  readonly accountName: string | null;
  readonly accessToken: string;
  readonly refreshToken: string | null;
}

export interface MeshRefreshAnswer {
  readonly accounts: readonly MeshAccountTokens[];
  readonly expiresInSeconds?: number;
  readonly refreshTokenExpiresInSeconds?: number;
}

/**
 * A token/refresh answer: succeeded (with its accounts' tokens), or why not. The accounts
 * come from `brokerAccountTokens`, else from the deprecated top-level `accessToken`,
 * `refreshToken` and `account` that older answers carry. `mfaRequired` throws
 * SecondFactorRequired with the interim access token the second call must carry.
 */
export function meshRefreshAnswer(content: Record<string, unknown>): MeshRefreshAnswer {
  const status = stringField(content, 'status');
  const accounts = accountsOf(content);
  if (status === 'failed') {
    throw errors.needsReauth('refresh_failed');
  }
  if (status === 'mfaRequired') {
    const interim = accounts[0]?.accessToken;
    if (!interim) {
      throw errors.malformed('mfaRequired answer');
    }
    throw new SecondFactorRequired(MESH, interim);
  }
  if (status !== 'succeeded' || accounts.length === 0) {
    throw errors.malformed('refresh answer');
  }
  return {
    accounts,
    expiresInSeconds: positive(content.expiresInSeconds),
    refreshTokenExpiresInSeconds: positive(content.refreshTokenExpiresInSeconds),
  };
}

/** This account's tokens in an answer: its own entry, or the only one. */
export function tokensForAccount(answer: MeshRefreshAnswer, accountId: string): MeshAccountTokens {
  const mine =
    answer.accounts.find((entry) => entry.accountId === accountId) ??
    (answer.accounts.length === 1 ? answer.accounts[0] : undefined);
  if (!mine) {
    throw errors.malformed('refresh answer (no tokens for this account)');
  }
  return mine;
}

function accountsOf(content: Record<string, unknown>): MeshAccountTokens[] {
  const listed = Array.isArray(content.brokerAccountTokens)
    ? (content.brokerAccountTokens as unknown[]).filter(
        (entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null,
      )
    : [];
  const entries = listed.length > 0 ? listed : [content];
  return entries.flatMap((entry) => {
    const accessToken = stringField(entry, 'accessToken');
    if (!accessToken) {
      return [];
    }
    const account =
      typeof entry.account === 'object' && entry.account !== null
        ? (entry.account as Record<string, unknown>)
        : undefined;
    return [
      {
        accountId: stringField(account, 'accountId') ?? null,
        accountName: stringField(account, 'accountName') ?? null,
        accessToken,
        refreshToken: stringField(entry, 'refreshToken') ?? null,
      },
    ];
  });
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? Math.floor(value)
    : undefined;
}
