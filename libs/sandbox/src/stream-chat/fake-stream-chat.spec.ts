import { sign } from 'jsonwebtoken';
import { FakeStreamChat } from './fake-stream-chat';

// Answers are read loosely: a wrong shape fails the assertion.
const jsonOf = (response: Response): Promise<any> => response.json();

describe('FakeStreamChat', () => {
  const fake = new FakeStreamChat();
  let url: string;

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const serverToken = (claims: object = { server: true }, secret = fake.apiSecret) =>
    sign(claims, secret, { algorithm: 'HS256' });
  const userToken = (userId: string, iat: number) =>
    sign({ user_id: userId, iat, exp: iat + 3600 }, fake.apiSecret, { algorithm: 'HS256' });
  const patch = (
    path: string,
    body: unknown,
    options: { headers?: Record<string, string>; apiKey?: string; contentType?: string } = {},
  ) =>
    fetch(`${url}${path}?api_key=${encodeURIComponent(options.apiKey ?? fake.apiKey)}`, {
      method: 'PATCH',
      headers: {
        Authorization: serverToken(),
        'stream-auth-type': 'jwt',
        'Content-Type': options.contentType ?? 'application/json',
        ...options.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const revokeUser = (id: string, before: string | null) =>
    patch('/users', { users: [{ id, set: { revoke_tokens_issued_before: before } }] });
  const expectError = async (response: Response, status: number, code: number) => {
    expect(response.status).toBe(status);
    const body = await jsonOf(response);
    expect(body).toEqual({
      code,
      message: expect.any(String),
      StatusCode: status,
      duration: expect.any(String),
      more_info: expect.any(String),
    });
  };

  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it("revokes one user's tokens issued before the given time", async () => {
    const before = userToken('alice', nowSeconds() - 60);
    const after = userToken('alice', nowSeconds() + 60);
    const bob = userToken('bob', nowSeconds() - 60);
    expect(fake.isUserTokenValid(before)).toBe(true);
    const instant = new Date().toISOString();

    const response = await revokeUser('alice', instant);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({
      users: { alice: { id: 'alice', revoke_tokens_issued_before: instant } },
      duration: expect.stringMatching(/^\d+\.\d{2}ms$/),
    });
    expect(fake.isUserTokenValid(before)).toBe(false);
    expect(fake.isUserTokenValid(after)).toBe(true);
    expect(fake.isUserTokenValid(bob)).toBe(true);
    expect(fake.userRevokedBefore('alice')?.toISOString()).toBe(instant);
    expect(fake.userUpdateCount).toBe(1);

    await revokeUser('alice', null);
    expect(fake.isUserTokenValid(before)).toBe(true);
  });

  it("revokes every user's tokens through PATCH /app, and null lifts it", async () => {
    const token = userToken('carol', nowSeconds() - 60);
    const response = await patch('/app', { revoke_tokens_issued_before: new Date().toISOString() });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ duration: expect.any(String) });
    expect(fake.isUserTokenValid(token)).toBe(false);
    expect((await patch('/app', { revoke_tokens_issued_before: null })).status).toBe(200);
    expect(fake.isUserTokenValid(token)).toBe(true);
    expect(fake.appUpdateCount).toBe(2);
  });

  it('judges user tokens: signature, user_id, iat and exp', () => {
    const iat = nowSeconds();
    // An explicit iat is kept; noTimestamp drops it, which makes the no-iat case.
    const sign256 = (claims: object, secret = fake.apiSecret) =>
      sign(claims, secret, { algorithm: 'HS256', noTimestamp: !('iat' in claims) });
    expect(fake.isUserTokenValid(sign256({ user_id: 'u', iat }))).toBe(true);
    expect(fake.isUserTokenValid(sign256({ user_id: 'u', iat }, 'other-secret'))).toBe(false);
    expect(fake.isUserTokenValid(sign256({ user_id: 'u' }))).toBe(false);
    expect(fake.isUserTokenValid(sign256({ iat }))).toBe(false);
    expect(fake.isUserTokenValid(sign256({ user_id: 'u', iat, exp: iat - 1 }))).toBe(false);
  });

  it('refuses a "Bearer " prefix on the server token', async () => {
    const response = await revokeUser('alice', null);
    expect(response.status).toBe(200);
    const bearer = await patch(
      '/app',
      { revoke_tokens_issued_before: null },
      { headers: { Authorization: `Bearer ${serverToken()}` } },
    );
    await expectError(bearer, 401, 5);
    expect(fake.appUpdateCount).toBe(0);
  });

  it('refuses an unknown api_key with code 2', async () => {
    await expectError(await patch('/app', {}, { apiKey: 'nope' }), 401, 2);
  });

  it("maps each server-token problem to Stream's code", async () => {
    const body = { revoke_tokens_issued_before: null };
    const withToken = (token: string) => patch('/app', body, { headers: { Authorization: token } });
    await expectError(await withToken(serverToken({ server: true }, 'wrong-secret')), 401, 43);
    const expired = serverToken({ server: true, exp: nowSeconds() - 10 });
    await expectError(await withToken(expired), 401, 40);
    const future = serverToken({ server: true, iat: nowSeconds() + 3600 });
    await expectError(await withToken(future), 401, 42);
    await expectError(await withToken(userToken('alice', nowSeconds())), 403, 17);
    await expectError(await withToken('not.a.jwt'), 401, 5);
    expect(fake.appUpdateCount).toBe(0);
  });

  it('requires stream-auth-type: jwt', async () => {
    const response = await patch(
      '/app',
      { revoke_tokens_issued_before: null },
      { headers: { 'stream-auth-type': 'anonymous' } },
    );
    await expectError(response, 401, 5);
  });

  it.each([
    ['unparseable JSON', '{"users":'],
    ['an empty users list', { users: [] }],
    ['a camelCase field', { users: [{ id: 'a', set: { revokeTokensIssuedBefore: null } }] }],
    [
      'a date that is not RFC 3339',
      { users: [{ id: 'a', set: { revoke_tokens_issued_before: '1 May' } }] },
    ],
    ['a missing id', { users: [{ set: { revoke_tokens_issued_before: null } }] }],
  ])('answers 400 code 4 to %s', async (_name, body) => {
    await expectError(await patch('/users', body), 400, 4);
    expect(fake.userUpdateCount).toBe(0);
  });

  it('refuses a form body with 415 and other methods with 405', async () => {
    const form = await patch('/app', 'revoke_tokens_issued_before=', {
      contentType: 'application/x-www-form-urlencoded',
    });
    await expectError(form, 415, 4);
    const post = await fetch(`${url}/app?api_key=${fake.apiKey}`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
