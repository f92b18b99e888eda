import { EXTERNAL_ID_PATTERN, type FieldError, RequestError } from '@keyhouse/common';

/**
 * What Mesh Link's onIntegrationConnected hands the page (a `LinkPayload`), reduced to what
 * Keyhouse keeps. Either the accounts with their tokens, or a delayed-auth grant: a refresh
 * token alone, whose first refresh names the accounts.
 */
export type LinkPayload =
  | { readonly kind: 'accessToken'; readonly connection: AccessTokenConnection }
  | { readonly kind: 'delayedAuth'; readonly grant: DelayedAuthGrant };

interface Broker {
  readonly brokerType: string;
  readonly brokerName: string;
  readonly refreshTokenExpiresInSeconds: number | null;
}

export interface AccessTokenConnection extends Broker {
  readonly expiresInSeconds: number | null;
  readonly accounts: readonly ConnectedAccount[];
}

export interface DelayedAuthGrant extends Broker {
  readonly refreshToken: string;
}

export interface ConnectedAccount {
  readonly accountId: string;
  readonly accountName: string | null;
  readonly accessToken: string;
  readonly refreshToken: string | null;
}

const MAX_ACCOUNTS = 100;
const MAX_TOKEN_LENGTH = 16_384;
const MAX_LIFETIME_SECONDS = 10 * 365 * 86_400;

/**
 * Takes the LinkPayload as the SDK gives it (`{accessToken}` or `{delayedAuth}`), and also
 * the bare inner access-token object. Fields Keyhouse does not use (brokerBrandInfo, fund,
 * cash, ...) are ignored rather than refused: the payload is Mesh's and grows without notice.
 * Every problem is reported by its field path, and nothing is stored unless all is well.
 */
export function parseLinkPayload(payload: Record<string, unknown>): LinkPayload {
  const fields = new FieldReader();
  const result = readPayload(payload, fields);
  if (fields.problems.length > 0 || result === undefined) {
    throw RequestError.invalid(fields.problems);
  }
  return result;
}

function readPayload(
  payload: Record<string, unknown>,
  fields: FieldReader,
): LinkPayload | undefined {
  const wrapped = ['accessToken', 'delayedAuth'].filter((key) => payload[key] !== undefined);
  if (wrapped.length > 1) {
    fields.fail('payload', 'payload holds either accessToken or delayedAuth, not both');
    return undefined;
  }
  if (payload.delayedAuth !== undefined) {
    const inner = fields.object(payload.delayedAuth, 'payload.delayedAuth');
    return inner && readDelayedAuth(inner, 'payload.delayedAuth', fields);
  }
  if (typeof payload.accessToken === 'object' && payload.accessToken !== null) {
    const inner = fields.object(payload.accessToken, 'payload.accessToken');
    return inner && readAccessToken(inner, 'payload.accessToken', fields);
  }
  if (payload.accountTokens !== undefined) {
    return readAccessToken(payload, 'payload', fields);
  }
  fields.fail(
    'payload',
    'payload must be the LinkPayload of onIntegrationConnected ({accessToken} or {delayedAuth})',
  );
  return undefined;
}

function readBroker(payload: Record<string, unknown>, at: string, fields: FieldReader) {
  return {
    brokerType: fields.text(payload.brokerType, `${at}.brokerType`, 64, true),
    brokerName: fields.text(payload.brokerName, `${at}.brokerName`, 256, true),
    refreshTokenExpiresInSeconds: fields.seconds(
      payload.refreshTokenExpiresInSeconds,
      `${at}.refreshTokenExpiresInSeconds`,
    ),
  };
}

function readDelayedAuth(
  payload: Record<string, unknown>,
  at: string,
  fields: FieldReader,
): LinkPayload | undefined {
  const { brokerType, brokerName, refreshTokenExpiresInSeconds } = readBroker(payload, at, fields);
  const refreshToken = fields.text(
    payload.refreshToken,
    `${at}.refreshToken`,
    MAX_TOKEN_LENGTH,
    true,
  );
  if (!brokerType || !brokerName || !refreshToken) {
    return undefined;
  }
  return {
    kind: 'delayedAuth',
    grant: { brokerType, brokerName, refreshToken, refreshTokenExpiresInSeconds },
  };
}

function readAccessToken(
  payload: Record<string, unknown>,
  at: string,
  fields: FieldReader,
): LinkPayload | undefined {
  const { brokerType, brokerName, refreshTokenExpiresInSeconds } = readBroker(payload, at, fields);
  const expiresInSeconds = fields.seconds(payload.expiresInSeconds, `${at}.expiresInSeconds`);
  const list = payload.accountTokens;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ACCOUNTS) {
    fields.fail(`${at}.accountTokens`, `${at}.accountTokens must hold 1–${MAX_ACCOUNTS} accounts`);
  }
  const accounts = (Array.isArray(list) ? list.slice(0, MAX_ACCOUNTS) : []).map(
    (entry: unknown, index) => readAccount(entry, `${at}.accountTokens[${index}]`, fields),
  );
  const ids = accounts.map((account) => account?.accountId);
  if (new Set(ids).size !== ids.length) {
    fields.fail(`${at}.accountTokens`, 'each account may appear once');
  }
  if (!brokerType || !brokerName) {
    return undefined;
  }
  return {
    kind: 'accessToken',
    connection: {
      brokerType,
      brokerName,
      expiresInSeconds,
      refreshTokenExpiresInSeconds,
      accounts: accounts.filter((account): account is ConnectedAccount => account !== null),
    },
  };
}

function readAccount(entry: unknown, at: string, fields: FieldReader): ConnectedAccount | null {
  const token = fields.object(entry, at);
  if (!token) {
    return null;
  }
  const account = fields.object(token.account, `${at}.account`) ?? {};
  const accountId = fields.text(account.accountId, `${at}.account.accountId`, 256, true);
  if (accountId !== null && !EXTERNAL_ID_PATTERN.test(accountId)) {
    fields.fail(`${at}.account.accountId`, 'accountId must be printable');
  }
  const accountName = fields.text(account.accountName, `${at}.account.accountName`, 256, false);
  const accessToken = fields.text(token.accessToken, `${at}.accessToken`, MAX_TOKEN_LENGTH, true);
  const refreshToken = fields.text(
    token.refreshToken,
    `${at}.refreshToken`,
    MAX_TOKEN_LENGTH,
    false,
  );
  return accountId === null || accessToken === null
    ? null
    : { accountId, accountName, accessToken, refreshToken };
}

/** Collects field problems instead of stopping at the first. */
class FieldReader {
  readonly problems: FieldError[] = [];

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  object(value: unknown, field: string): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, `${field} must be an object`);
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  text(value: unknown, field: string, max: number, required: boolean): string | null {
    if (value === undefined || value === null) {
      if (required) {
        this.fail(field, `${field} is required`);
      }
      return null;
    }
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      this.fail(field, `${field} must be a string of 1–${max} characters`);
      return null;
    }
    return value;
  }

  seconds(value: unknown, field: string): number | null {
    if (value === undefined || value === null) {
      return null;
    }
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 1 ||
      value > MAX_LIFETIME_SECONDS
    ) {
      this.fail(field, `${field} must be a positive whole number of seconds`);
      return null;
    }
    return value;
  }
}
