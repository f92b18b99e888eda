// Every Mesh answer is classified here, and only here (PROTOCOLS.md, "Mesh").
import { jsonObject, retryAfterSeconds, stringField } from '../http/json-body';
import type { UpstreamResponse } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';

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
    throw errors.rejected(
      stringField(envelope, 'status') ?? `http_${response.status}`,
      response.status,
    );
  }
  const content = envelope?.content;
  if (stringField(envelope, 'status') !== 'ok' || typeof content !== 'object' || content === null) {
    throw errors.malformed('envelope');
  }
  return content as Record<string, unknown>;
}

export interface MeshRefreshedAccount {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly expiresInSeconds?: number;
  readonly refreshTokenExpiresInSeconds?: number;
}

/** A token/refresh answer: succeeded (with this account's tokens), or why not. */
export function meshRefreshResult(
  content: Record<string, unknown>,
  accountId: string,
): MeshRefreshedAccount {
  const status = stringField(content, 'status');
  if (status === 'failed') {
    throw errors.needsReauth('refresh_failed');
  }
  if (status === 'mfaRequired') {
    throw errors.needsReauth('mfa_required');
  }
  const tokens = Array.isArray(content.brokerAccountTokens)
    ? (content.brokerAccountTokens as unknown[])
    : [];
  const entries = tokens.filter(
    (entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null,
  );
  const mine =
    entries.find(
      (entry) =>
        stringField(entry.account as Record<string, unknown> | undefined, 'accountId') ===
        accountId,
    ) ?? (entries.length === 1 ? entries[0] : undefined);
  const accessToken = stringField(mine, 'accessToken');
  if (status !== 'succeeded' || !accessToken) {
    throw errors.malformed('refresh answer');
  }
  return {
    accessToken,
    refreshToken: stringField(mine, 'refreshToken') ?? null,
    expiresInSeconds: positive(content.expiresInSeconds),
    refreshTokenExpiresInSeconds: positive(content.refreshTokenExpiresInSeconds),
  };
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? Math.floor(value)
    : undefined;
}
