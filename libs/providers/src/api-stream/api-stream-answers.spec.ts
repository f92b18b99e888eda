import type { UpstreamResponse } from '../http/upstream-http.service';
import { ProviderErrorCode } from '../provider.errors';
import { createdAccessToken, refreshedAccessToken } from './api-stream-answers';

const grpc = (status: number, code: number): UpstreamResponse => ({
  status,
  headers: {},
  text: JSON.stringify({ code, message: 'refused', details: [] }),
});

const reasonOf = (classify: () => unknown): ProviderErrorCode => {
  try {
    classify();
  } catch (error) {
    return (error as { reason: ProviderErrorCode }).reason;
  }
  throw new Error('expected a failure');
};

describe('api.stream answers', () => {
  it('reads the created token from the body', () => {
    expect(createdAccessToken({ status: 200, headers: {}, text: '{"accessToken":"a.b.c"}' })).toBe(
      'a.b.c',
    );
  });

  it.each([
    [401, 16, ProviderErrorCode.Misconfigured],
    [403, 7, ProviderErrorCode.Rejected],
    [400, 3, ProviderErrorCode.Rejected],
    [404, 5, ProviderErrorCode.Rejected],
    [429, 8, ProviderErrorCode.Unavailable],
    [500, 13, ProviderErrorCode.Unavailable],
    [503, 14, ProviderErrorCode.Unavailable],
  ])('classifies a create answered %i (gRPC %i)', (status, code, reason) => {
    expect(reasonOf(() => createdAccessToken(grpc(status, code)))).toBe(reason);
  });

  it('calls a created answer without a token malformed', () => {
    expect(reasonOf(() => createdAccessToken({ status: 200, headers: {}, text: '{}' }))).toBe(
      ProviderErrorCode.Malformed,
    );
  });

  it('reads the refreshed token from the Authorization header, not the body', () => {
    expect(
      refreshedAccessToken({
        status: 200,
        headers: { authorization: 'Bearer x.y.z' },
        text: '{"accessToken":"body"}',
      }),
    ).toBe('x.y.z');
  });

  it.each([
    ['no header', {}],
    ['a raw token', { authorization: 'x.y.z' }],
    ['another scheme', { authorization: 'Basic x.y.z' }],
  ])('calls a refresh answer with %s malformed', (_label, headers) => {
    expect(reasonOf(() => refreshedAccessToken({ status: 200, headers, text: '{}' }))).toBe(
      ProviderErrorCode.Malformed,
    );
  });

  it.each([
    [401, 16, ProviderErrorCode.NeedsReauth],
    [429, 8, ProviderErrorCode.Unavailable],
    [500, 13, ProviderErrorCode.Unavailable],
    [400, 3, ProviderErrorCode.Rejected],
  ])('classifies a refresh answered %i (gRPC %i)', (status, code, reason) => {
    expect(reasonOf(() => refreshedAccessToken(grpc(status, code)))).toBe(reason);
  });
});
