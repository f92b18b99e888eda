// Every TPA Stream answer is classified here, and only here (docs/protocols.md, "TPA Stream errors").
// Its error bodies are not published, so only the HTTP status is read on failure.
import { jsonObject, retryAfterSeconds, stringField } from '../http/json-body';
import type { UpstreamResponse } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';

export const TPA_STREAM = 'tpa-stream';
const errors = providerErrors(TPA_STREAM);

/** The connect access token in a create-connect-token answer, or the error this answer means. */
export function connectTokenOf(response: UpstreamResponse): string {
  const { status } = response;
  if (status === 401 || status === 403) {
    // Our access or secret key was refused: an operator must fix the configuration.
    throw errors.misconfigured('invalid_client');
  }
  if (status === 429) {
    throw errors.unavailable('rate_limited', retryAfterSeconds(response));
  }
  if (status >= 500) {
    throw errors.unavailable(`http_${status}`, retryAfterSeconds(response));
  }
  if (status !== 200) {
    throw errors.rejected(`http_${status}`, status);
  }
  const token = stringField(jsonObject(response), 'data');
  if (!token) {
    throw errors.malformed('connect token answer');
  }
  return token;
}
