import type { FakeResponse } from '../common/fake-http';

/** Stream's API error codes (its "API error codes" table) that the fake can answer with. */
export const StreamChatCode = {
  Internal: -1,
  AccessKey: 2,
  Input: 4,
  Authentication: 5,
  DoesNotExist: 16,
  NotAllowed: 17,
  RateLimited: 9,
  TokenExpired: 40,
  TokenNotValidYet: 41,
  TokenDateIncorrect: 42,
  TokenSignatureInvalid: 43,
} as const;

export type StreamChatCode = (typeof StreamChatCode)[keyof typeof StreamChatCode];

const MORE_INFO = 'https://getstream.io/chat/docs/api_errors_response';

export function streamChatError(
  status: number,
  code: StreamChatCode,
  message: string,
): FakeResponse {
  return {
    status,
    json: { code, message, StatusCode: status, duration: '0.00ms', more_info: MORE_INFO },
  };
}

/** The code Stream uses for a bare HTTP status (unknown routes, injected failures). */
export function codeForStatus(status: number): StreamChatCode {
  switch (status) {
    case 401:
      return StreamChatCode.Authentication;
    case 403:
      return StreamChatCode.NotAllowed;
    case 404:
      return StreamChatCode.DoesNotExist;
    case 429:
      return StreamChatCode.RateLimited;
    default:
      return status >= 500 ? StreamChatCode.Internal : StreamChatCode.Input;
  }
}
