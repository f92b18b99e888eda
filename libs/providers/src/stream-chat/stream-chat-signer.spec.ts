import { Integration } from '@keyhouse/integrations';
import { JwtService } from '@nestjs/jwt';
import { sign, verify } from 'jsonwebtoken';
import { StreamChatSigner } from './stream-chat-signer';

const SECRET = 'stream-chat-signer-secret-0123456789';

function integration(secret = SECRET): Integration {
  return new Integration(
    '7d7f9a5e-2f0e-4a57-9a0b-3c1f6f0e8d21',
    'stream-chat',
    'signer-spec',
    ['*'],
    { apiKey: 'signer-spec-key' },
    new Map([['apiSecret', secret]]),
    'derived',
    'stored',
    null,
  );
}

describe('StreamChatSigner', () => {
  const signer = new StreamChatSigner(new JwtService());

  it('signs a user token synchronously: HS256 with user_id, iat and exp, as Stream reads it', () => {
    const claims = { upstreamUserId: 'kh_user', issuedAt: 1_700_000_000, expiresAt: 1_700_003_600 };
    const token = signer.userToken(integration(), claims);
    expect(token).toBe(
      sign({ user_id: 'kh_user', iat: 1_700_000_000, exp: 1_700_003_600 }, SECRET, {
        algorithm: 'HS256',
      }),
    );
    expect(verify(token, SECRET, { algorithms: ['HS256'], ignoreExpiration: true })).toEqual({
      user_id: 'kh_user',
      iat: 1_700_000_000,
      exp: 1_700_003_600,
    });
  });

  it('signs the server token with no iat, and each integration with its own secret', () => {
    const token = signer.serverToken(integration());
    expect(token).toBe(sign({ server: true }, SECRET, { algorithm: 'HS256', noTimestamp: true }));
    expect(signer.serverToken(integration('another-secret-0123456789'))).not.toBe(token);
  });
});
