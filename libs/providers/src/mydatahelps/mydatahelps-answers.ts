// Every MyDataHelps answer is classified here, and only here (docs/protocols.md, "MyDataHelps errors and rate limits").
import { jsonObject, numberField, retryAfterSeconds, stringField } from '../http/json-body';
import type { UpstreamResponse } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';

export const MYDATAHELPS = 'mydatahelps';
const errors = providerErrors(MYDATAHELPS);

/** The two grants Keyhouse asks the token endpoint for. */
export type MyDataHelpsGrant = 'client_credentials' | 'delegated_participant';

export interface MyDataHelpsToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
}

/** OAuth 2.0 errors (RFC 6749 §5.2) that mean Keyhouse's own request or keys are wrong. */
const CONFIGURATION_ERRORS = new Set([
  'invalid_client',
  'invalid_scope',
  'unsupported_grant_type',
  'invalid_request',
]);

/** A token answer (either grant), or the error this answer means. */
export function myDataHelpsToken(
  response: UpstreamResponse,
  grant: MyDataHelpsGrant,
): MyDataHelpsToken {
  if (response.status === 200) {
    return tokenOf(response);
  }
  if (response.status === 429) {
    // Limits are hourly; RateLimit-Reset says when this one lifts.
    throw errors.unavailable(
      'rate_limited',
      retryAfterSeconds(response, 'ratelimit-reset') ?? retryAfterSeconds(response),
    );
  }
  if (response.status >= 500) {
    throw errors.unavailable(`http_${response.status}`, retryAfterSeconds(response));
  }
  const error = stringField(jsonObject(response), 'error');
  if ((response.status === 400 || response.status === 401) && error !== undefined) {
    if (error === 'invalid_grant') {
      // On the participant grant it is the participant's delegation that is refused; on the
      // service grant no user can fix it, so it is the operator's to look at.
      throw grant === 'delegated_participant'
        ? errors.needsReauth('invalid_grant')
        : errors.misconfigured('invalid_grant');
    }
    if (CONFIGURATION_ERRORS.has(error)) {
      throw errors.misconfigured(error);
    }
  }
  throw errors.rejected(`http_${response.status}`, response.status);
}

function tokenOf(response: UpstreamResponse): MyDataHelpsToken {
  const body = jsonObject(response);
  const accessToken = stringField(body, 'access_token');
  const expiresIn = numberField(body, 'expires_in');
  if (accessToken === undefined || expiresIn === undefined || expiresIn < 1) {
    throw errors.malformed('token answer');
  }
  return { accessToken, expiresInSeconds: Math.floor(expiresIn) };
}
