import { isNonEmptyString, type JsonObject, unknownKeys } from '../common/request-body';

export interface MeshRefreshRequest {
  readonly refreshToken: string;
  /** The broker type; Mesh calls the field `type`, not `brokerType`. */
  readonly type: string;
  readonly createNewRefreshToken: boolean;
  readonly accessToken?: string;
  readonly tradeToken?: string;
  readonly mfaCode?: string;
}

// BrokerRefreshTokenRequest in Mesh's OpenAPI, which allows no other field.
const FIELDS = [
  'refreshToken',
  'type',
  'createNewRefreshToken',
  'accessToken',
  'tradeToken',
  'mfaCode',
  'metadata',
];

/** The refresh body, or the badRequest message for it. */
export function parseRefreshRequest(body: JsonObject): MeshRefreshRequest | string {
  // Checked first so that a body with `brokerType` instead gets the message Mesh gives.
  if (!isNonEmptyString(body.type)) {
    return 'type is required';
  }
  const unknown = unknownKeys(body, FIELDS);
  if (unknown.length > 0) {
    return `Unknown field: ${unknown.join(', ')}`;
  }
  if (!isNonEmptyString(body.refreshToken)) {
    return 'refreshToken is required';
  }
  const { createNewRefreshToken, accessToken, tradeToken, mfaCode } = body;
  if (createNewRefreshToken !== undefined && typeof createNewRefreshToken !== 'boolean') {
    return 'createNewRefreshToken must be a boolean';
  }
  for (const [name, value] of Object.entries({ accessToken, tradeToken, mfaCode })) {
    if (value !== undefined && typeof value !== 'string') {
      return `${name} must be a string`;
    }
  }
  return {
    refreshToken: body.refreshToken,
    type: body.type,
    createNewRefreshToken: createNewRefreshToken ?? false,
    accessToken: accessToken as string | undefined,
    tradeToken: tradeToken as string | undefined,
    mfaCode: mfaCode as string | undefined,
  };
}

export interface MeshDeleteAccountRequest {
  readonly authToken: string;
  readonly type: string;
}

/** DELETE /api/v1/account's body (BrokerBaseRequest), or the badRequest message for it. */
export function parseDeleteAccountRequest(body: JsonObject): MeshDeleteAccountRequest | string {
  if (!isNonEmptyString(body.authToken)) {
    return 'authToken is required';
  }
  if (!isNonEmptyString(body.type)) {
    return 'type is required';
  }
  const unknown = unknownKeys(body, ['authToken', 'type']);
  if (unknown.length > 0) {
    return `Unknown field: ${unknown.join(', ')}`;
  }
  return { authToken: body.authToken, type: body.type };
}
