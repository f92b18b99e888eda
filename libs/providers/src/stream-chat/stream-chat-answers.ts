// Every Stream Chat answer is classified here, and only here (docs/protocols.md, "Stream Chat errors").
// Errors come in an envelope {code, message, StatusCode, duration, more_info}; only the
// numeric code is kept, never the message.
import { jsonObject, numberField, retryAfterSeconds } from '../http/json-body';
import type { UpstreamResponse } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';

export const STREAM_CHAT = 'stream-chat';
const errors = providerErrors(STREAM_CHAT);

/** Stream's "rate limited" code, sent with HTTP 429. */
const RATE_LIMITED = 9;

/** The body of a successful REST answer, or the error this answer means. */
export function streamChatResult(response: UpstreamResponse): Record<string, unknown> {
  const { status } = response;
  const envelope = jsonObject(response);
  if (status >= 200 && status < 300) {
    if (!envelope) {
      throw errors.malformed('answer');
    }
    return envelope;
  }
  const code = numberField(envelope, 'code');
  if (status === 401 || status === 403) {
    // Bad API key (2), bad server token (5, 40–43), not a server token (17): our keys or
    // our signing are wrong, which an operator must fix.
    throw errors.misconfigured(`stream_auth_${code ?? status}`);
  }
  if (status === 429 || code === RATE_LIMITED) {
    throw errors.unavailable('rate_limited', retryAfterSeconds(response));
  }
  if (status >= 500) {
    throw errors.unavailable(`http_${status}`, retryAfterSeconds(response));
  }
  throw errors.rejected(code === undefined ? `http_${status}` : `stream_${code}`, status);
}
