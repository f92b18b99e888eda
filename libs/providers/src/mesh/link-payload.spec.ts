import { type RequestError } from '@keyhouse/common';
import { parseLinkPayload } from './link-payload';

const brand = { brokerLogo: 'data:image/png;base64,AAAA' };
const accessTokenPayload = {
  accountTokens: [
    {
      account: { accountId: 'acc-1', accountName: 'Main', fund: 10, cash: 5 },
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      tokenId: 't-1',
    },
  ],
  brokerBrandInfo: brand,
  expiresInSeconds: 3600,
  refreshTokenExpiresInSeconds: 86400,
  brokerType: 'robinhood',
  brokerName: 'Robinhood',
};

const fieldsOf = (payload: Record<string, unknown>): string[] => {
  try {
    parseLinkPayload(payload);
  } catch (error) {
    return ((error as RequestError).errors ?? []).map((problem) => problem.field);
  }
  throw new Error('expected a refusal');
};

describe('parseLinkPayload', () => {
  it('reads {accessToken: AccessTokenPayload} and the bare object the same way', () => {
    const wrapped = parseLinkPayload({ accessToken: accessTokenPayload });
    expect(wrapped).toEqual({
      kind: 'accessToken',
      connection: {
        brokerType: 'robinhood',
        brokerName: 'Robinhood',
        expiresInSeconds: 3600,
        refreshTokenExpiresInSeconds: 86400,
        accounts: [
          {
            accountId: 'acc-1',
            accountName: 'Main',
            accessToken: 'access-1',
            refreshToken: 'refresh-1',
          },
        ],
      },
    });
    expect(parseLinkPayload(accessTokenPayload)).toEqual(wrapped);
  });

  it('reads {delayedAuth: DelayedAuthPayload}', () => {
    expect(
      parseLinkPayload({
        delayedAuth: {
          refreshTokenExpiresInSeconds: 600,
          brokerType: 'vanguard',
          refreshToken: 'grant',
          brokerName: 'Vanguard',
          brokerBrandInfo: brand,
        },
      }),
    ).toEqual({
      kind: 'delayedAuth',
      grant: {
        brokerType: 'vanguard',
        brokerName: 'Vanguard',
        refreshToken: 'grant',
        refreshTokenExpiresInSeconds: 600,
      },
    });
  });

  it.each([
    ['both forms', { accessToken: accessTokenPayload, delayedAuth: {} }, 'payload'],
    ['neither form', { brokerType: 'x' }, 'payload'],
    ['a delayedAuth that is not an object', { delayedAuth: 'grant' }, 'payload.delayedAuth'],
    [
      'a delayedAuth without its broker',
      { delayedAuth: { refreshToken: 'grant' } },
      'payload.delayedAuth.brokerType',
    ],
    [
      'an account token without an access token',
      { accessToken: { ...accessTokenPayload, accountTokens: [{ account: { accountId: 'a' } }] } },
      'payload.accessToken.accountTokens[0].accessToken',
    ],
    [
      'the same account twice',
      {
        ...accessTokenPayload,
        accountTokens: [accessTokenPayload.accountTokens[0], accessTokenPayload.accountTokens[0]],
      },
      'payload.accountTokens',
    ],
  ])('refuses %s, naming the field', (_label, payload, field) => {
    expect(fieldsOf(payload)).toContain(field);
  });
});
