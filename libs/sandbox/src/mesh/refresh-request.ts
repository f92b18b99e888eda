import { isNonEmptyString, type JsonObject, unknownKeys } from '../common/request-body';

export interface MeshRefreshRequest {
  readonly refreshToken: string;
  /** The broker type; Mesh calls the field `type`, not `brokerType`. */
  readonly type: string;
  readonly createNewRefreshToken: boolean;
  readonly accessToken?: string;
}

const FIELDS = ['refreshToken', 'type', 'createNewRefreshToken', 'accessToken'];

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
  const { createNewRefreshToken, accessToken } = body;
  if (createNewRefreshToken !== undefined && typeof createNewRefreshToken !== 'boolean') {
    return 'createNewRefreshToken must be a boolean';
  }
  if (accessToken !== undefined && typeof accessToken !== 'string') {
    return 'accessToken must be a string';
  }
  return {
    refreshToken: body.refreshToken,
    type: body.type,
    createNewRefreshToken: createNewRefreshToken ?? false,
    accessToken,
  };
}
