// Every api.stream answer is classified here, and only here (docs/protocols.md, "api.stream errors").
// Errors are gRPC status bodies {code, message, details}; the HTTP status says enough.
import { jsonObject, retryAfterSeconds, stringField } from '../http/json-body';
import type { UpstreamResponse } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';

export const API_STREAM = 'api-stream';
const errors = providerErrors(API_STREAM);

/** CreateAccessToken: `{"accessToken"}`, or the error this answer means. */
export function createdAccessToken(response: UpstreamResponse): string {
  switch (response.status) {
    case 200: {
      const accessToken = stringField(jsonObject(response), 'accessToken');
      if (accessToken === undefined) {
        throw errors.malformed('token answer');
      }
      return accessToken;
    }
    case 401:
      // The API key is the only credential on this call.
      throw errors.misconfigured('invalid_api_key');
    case 403:
      throw errors.rejected('permission_denied', response.status);
    default:
      throw commonError(response);
  }
}

/** Refresh: `{}` with the new token in the response's Authorization header. */
export function refreshedAccessToken(response: UpstreamResponse): string {
  switch (response.status) {
    case 200: {
      const accessToken = bearerToken(response.headers.authorization);
      if (accessToken === undefined) {
        throw errors.malformed('refresh answer');
      }
      return accessToken;
    }
    case 401:
      // The token itself was refused (expired, revoked): only a new CreateAccessToken helps.
      throw errors.needsReauth('token_rejected');
    case 403:
      throw errors.rejected('permission_denied', response.status);
    default:
      throw commonError(response);
  }
}

function commonError(response: UpstreamResponse): Error {
  if (response.status === 429) {
    // "Back off exponentially": the refresh engine's backoff; callers get Retry-After.
    return errors.unavailable('rate_limited', retryAfterSeconds(response));
  }
  if (response.status >= 500) {
    return errors.unavailable(`http_${response.status}`, retryAfterSeconds(response));
  }
  if (response.status === 400) {
    return errors.rejected('invalid_argument', response.status);
  }
  if (response.status === 404) {
    return errors.rejected('not_found', response.status);
  }
  return errors.rejected(`http_${response.status}`, response.status);
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)$/i.exec(value?.trim() ?? '');
  return match?.[1];
}
