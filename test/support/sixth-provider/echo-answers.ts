// Every echo answer is classified here, and only here.
import {
  jsonObject,
  numberField,
  providerErrors,
  retryAfterSeconds,
  stringField,
  type UpstreamResponse,
} from '@keyhouse/providers';

export const ECHO = 'echo';
const errors = providerErrors(ECHO);

export interface EchoToken {
  readonly token: string;
  readonly expiresInSeconds: number;
}

/** The token in a mint answer, or the ProviderError this answer means. */
export function tokenOf(response: UpstreamResponse): EchoToken {
  const { status } = response;
  if (status === 401 || status === 403) {
    throw errors.misconfigured('invalid_client');
  }
  if (status === 429 || status >= 500) {
    throw errors.unavailable(`http_${status}`, retryAfterSeconds(response));
  }
  if (status !== 200) {
    throw errors.rejected(`http_${status}`, status);
  }
  const body = jsonObject(response);
  const token = stringField(body, 'token');
  const expiresInSeconds = numberField(body, 'expiresIn');
  if (!token || expiresInSeconds === undefined || expiresInSeconds <= 0) {
    throw errors.malformed('token answer');
  }
  return { token, expiresInSeconds };
}
