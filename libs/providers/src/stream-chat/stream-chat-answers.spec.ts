import type { UpstreamResponse } from '../http/upstream-http.service';
import { ProviderError, ProviderErrorCode } from '../provider.errors';
import { streamChatResult } from './stream-chat-answers';
import { revocationInstant } from './stream-chat-revocations.service';

const envelope = (status: number, code: number) => ({
  code,
  message: 'JWTAuth error: signature is not valid',
  StatusCode: status,
  duration: '0.00ms',
  more_info: 'https://getstream.io/chat/docs/api_errors_response',
});

const answer = (
  status: number,
  body: unknown = {},
  headers: UpstreamResponse['headers'] = {},
): UpstreamResponse => ({
  status,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

function failure(response: UpstreamResponse): ProviderError {
  try {
    streamChatResult(response);
  } catch (error) {
    if (error instanceof ProviderError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the answer to be refused');
}

describe('streamChatResult', () => {
  it('passes a 2xx JSON answer through', () => {
    expect(streamChatResult(answer(200, { users: {}, duration: '1ms' }))).toEqual({
      users: {},
      duration: '1ms',
    });
  });

  it('reads a 2xx that is not a JSON object as malformed', () => {
    expect(failure(answer(200, 'ok')).reason).toBe(ProviderErrorCode.Malformed);
  });

  it.each([
    [401, 2],
    [401, 5],
    [403, 17],
    [401, 40],
    [401, 41],
    [401, 42],
    [401, 43],
  ])('reads %i code %i as our keys refused', (status, code) => {
    const error = failure(answer(status, envelope(status, code)));
    expect(error.reason).toBe(ProviderErrorCode.Misconfigured);
    expect(error.upstreamCode).toBe(`stream_auth_${code}`);
    expect(error.message).not.toContain('JWTAuth');
  });

  it('names a 401 without an envelope by its status', () => {
    expect(failure(answer(401, '')).upstreamCode).toBe('stream_auth_401');
  });

  it.each([
    ['HTTP 429', answer(429, envelope(429, 9), { 'retry-after': '3' }), 3],
    ['code 9 on another status', answer(400, envelope(400, 9)), 1],
  ])('reads %s as rate limited', (_label, response, retryAfter) => {
    const error = failure(response);
    expect(error.reason).toBe(ProviderErrorCode.Unavailable);
    expect(error.upstreamCode).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(retryAfter);
  });

  it('reads 5xx as unavailable', () => {
    const error = failure(answer(502, ''));
    expect(error.reason).toBe(ProviderErrorCode.Unavailable);
    expect(error.upstreamCode).toBe('http_502');
  });

  it.each([
    [400, envelope(400, 4), 'stream_4'],
    [404, envelope(404, 16), 'stream_16'],
    [415, '', 'http_415'],
  ])('reads %i as a refused request', (status, body, code) => {
    const error = failure(answer(status, body));
    expect(error.reason).toBe(ProviderErrorCode.Rejected);
    expect(error.upstreamCode).toBe(code);
  });
});

describe('revocationInstant', () => {
  const now = new Date('2025-03-01T12:00:00.000Z');

  it('defaults to now', () => {
    expect(revocationInstant(undefined, now)).toEqual(now);
  });

  it('takes a past date and up to a minute ahead', () => {
    expect(revocationInstant('2025-03-01T13:00:30+01:00', now).toISOString()).toBe(
      '2025-03-01T12:00:30.000Z',
    );
    expect(revocationInstant('2020-01-01T00:00:00Z', now).toISOString()).toBe(
      '2020-01-01T00:00:00.000Z',
    );
  });

  it.each(['2025-03-01T12:01:01Z', 'not a date'])('refuses %s as validation_failed', (before) => {
    expect(() => revocationInstant(before, now)).toThrow(
      expect.objectContaining({ problemCode: 'validation_failed' }),
    );
  });
});
