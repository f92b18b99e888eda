import { generateKeyPairSync } from 'node:crypto';
import { type JwtPayload, verify } from 'jsonwebtoken';
import { ProviderErrorCode } from '../provider.errors';
import { clientAssertion } from './client-assertion';

describe('MyDataHelps client assertion', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const input = {
    serviceAccount: 'MyDataHelps.1234.test',
    tokenUrl: 'https://mydatahelps.org/identityserver/connect/token',
    privateKeyPem,
    now: new Date(),
  };

  it('is RS256 with iss = sub = the account, aud = the token URL, five minutes, a UUID jti', () => {
    const claims = verify(clientAssertion(input), publicKeyPem, {
      algorithms: ['RS256'],
    }) as JwtPayload;
    const iat = Math.floor(input.now.getTime() / 1_000);
    expect(claims).toEqual({
      iss: 'MyDataHelps.1234.test',
      sub: 'MyDataHelps.1234.test',
      aud: input.tokenUrl,
      iat,
      exp: iat + 300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('has a fresh jti every time', () => {
    const jti = () => (verify(clientAssertion(input), publicKeyPem) as JwtPayload).jti;
    expect(jti()).not.toBe(jti());
  });

  it('takes a PEM whose newlines arrived escaped', () => {
    const escaped = { ...input, privateKeyPem: privateKeyPem.replace(/\n/g, '\\n') };
    expect(() => verify(clientAssertion(escaped), publicKeyPem)).not.toThrow();
  });

  it('calls an unusable key misconfigured, without quoting it', () => {
    const broken = { ...input, privateKeyPem: '-----BEGIN PRIVATE KEY-----\nnope\n' };
    expect(() => clientAssertion(broken)).toThrow(
      expect.objectContaining({ reason: ProviderErrorCode.Misconfigured }),
    );
  });
});
