import { EXTERNAL_ID_PATTERN, type FieldError, RequestError } from '@keyhouse/common';

/** What Keyhouse keeps from Mesh Link's onIntegrationConnected payload. */
export interface IntegrationPayload {
  readonly brokerType: string;
  readonly brokerName: string;
  readonly expiresInSeconds: number | null;
  readonly refreshTokenExpiresInSeconds: number | null;
  readonly accounts: readonly ConnectedAccount[];
}

export interface ConnectedAccount {
  readonly accountId: string;
  readonly accountName: string | null;
  readonly accessToken: string | null;
  readonly refreshToken: string | null;
}

const MAX_ACCOUNTS = 100;
const MAX_TOKEN_LENGTH = 16_384;

/**
 * Validates the payload field by field and keeps only what Keyhouse needs. Fields Keyhouse
 * does not use (brokerBrandInfo, extra account details) are ignored rather than refused:
 * the payload is Mesh's object, passed through by the page, and grows without notice.
 */
export function parseIntegrationPayload(payload: Record<string, unknown>): IntegrationPayload {
  const problems: FieldError[] = [];
  const text = (value: unknown, field: string, max: number, required: boolean): string | null => {
    if (value === undefined || value === null) {
      if (required) {
        problems.push({ field, message: `${field} is required` });
      }
      return null;
    }
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      problems.push({ field, message: `${field} must be a string of 1–${max} characters` });
      return null;
    }
    return value;
  };
  const seconds = (value: unknown, field: string): number | null => {
    if (value === undefined || value === null) {
      return null;
    }
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 1 ||
      value > 10 * 365 * 86_400
    ) {
      problems.push({ field, message: `${field} must be a positive whole number of seconds` });
      return null;
    }
    return value;
  };

  const brokerType = text(payload.brokerType, 'payload.brokerType', 64, true);
  const brokerName = text(payload.brokerName, 'payload.brokerName', 256, true);
  const expiresInSeconds = seconds(payload.expiresInSeconds, 'payload.expiresInSeconds');
  const refreshTokenExpiresInSeconds = seconds(
    payload.refreshTokenExpiresInSeconds,
    'payload.refreshTokenExpiresInSeconds',
  );
  const accountTokens = payload.accountTokens;
  if (
    !Array.isArray(accountTokens) ||
    accountTokens.length === 0 ||
    accountTokens.length > MAX_ACCOUNTS
  ) {
    problems.push({
      field: 'payload.accountTokens',
      message: `payload.accountTokens must hold 1–${MAX_ACCOUNTS} accounts`,
    });
  }
  const accounts = (Array.isArray(accountTokens) ? accountTokens.slice(0, MAX_ACCOUNTS) : []).map(
    (entry: unknown, index): ConnectedAccount | null => {
      const field = `payload.accountTokens[${index}]`;
      if (typeof entry !== 'object' || entry === null) {
        problems.push({ field, message: `${field} must be an object` });
        return null;
      }
      const token = entry as Record<string, unknown>;
      const account =
        typeof token.account === 'object' && token.account !== null
          ? (token.account as Record<string, unknown>)
          : {};
      const accountId = text(account.accountId, `${field}.account.accountId`, 256, true);
      if (accountId !== null && !EXTERNAL_ID_PATTERN.test(accountId)) {
        problems.push({
          field: `${field}.account.accountId`,
          message: 'accountId must be printable',
        });
      }
      const accessToken = text(token.accessToken, `${field}.accessToken`, MAX_TOKEN_LENGTH, false);
      const refreshToken = text(
        token.refreshToken,
        `${field}.refreshToken`,
        MAX_TOKEN_LENGTH,
        false,
      );
      if (accessToken === null && refreshToken === null) {
        problems.push({ field, message: `${field} needs an accessToken or a refreshToken` });
      }
      return accountId === null
        ? null
        : {
            accountId,
            accountName: text(account.accountName, `${field}.account.accountName`, 256, false),
            accessToken,
            refreshToken,
          };
    },
  );
  const ids = accounts.map((account) => account?.accountId);
  if (new Set(ids).size !== ids.length) {
    problems.push({ field: 'payload.accountTokens', message: 'each account may appear once' });
  }
  if (problems.length > 0 || !brokerType || !brokerName) {
    throw RequestError.invalid(problems);
  }
  return {
    brokerType,
    brokerName,
    expiresInSeconds,
    refreshTokenExpiresInSeconds,
    accounts: accounts.filter((account): account is ConnectedAccount => account !== null),
  };
}
