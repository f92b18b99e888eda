import { decode } from 'jsonwebtoken';
import { FakeTpaStream } from './fake-tpa-stream';

// Answers are read loosely: a wrong shape fails the assertion.
const jsonOf = (response: Response): Promise<any> => response.json();

describe('FakeTpaStream', () => {
  let clock = Date.now();
  const fake = new FakeTpaStream({ now: () => clock });
  let url: string;

  const createToken = (body: unknown, contentType = 'application/json') =>
    fetch(`${url}/api/create-connect-token`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const goodKeys = () => ({
    connect_access_key: fake.accessKey,
    connect_secret_key: fake.secretKey,
  });

  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    clock = Date.now();
    fake.reset();
  });

  it('mints a one-hour HS256 connect token for the right keys', async () => {
    const response = await createToken(goodKeys());
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(Object.keys(body)).toEqual(['data']);
    const token = body.data as string;
    const full = decode(token, { complete: true });
    expect(full?.header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const claims = fake.verify(token);
    expect(claims).toEqual(full?.payload);
    expect(claims).toMatchObject({ sub: fake.accessKey, jti: expect.any(String) });
    expect(claims!.exp - claims!.iat).toBe(3600);
    expect(fake.issuedCount).toBe(1);

    const second = await jsonOf(await createToken(goodKeys()));
    expect(second.data).not.toBe(token);
    expect(fake.issuedCount).toBe(2);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/create-connect-token',
      contentType: 'application/json',
      rawBody: JSON.stringify(goodKeys()),
    });
  });

  it('stops verifying a token once it has expired', async () => {
    const { data } = await jsonOf(await createToken(goodKeys()));
    clock += 3601_000;
    expect(fake.verify(data)).toBeUndefined();
    expect(fake.verify('not-a-token')).toBeUndefined();
  });

  it('refuses wrong keys with 401 invalid_credentials', async () => {
    const response = await createToken({ ...goodKeys(), connect_secret_key: 'wrong' });
    expect(response.status).toBe(401);
    expect(await jsonOf(response)).toEqual({ error: 'invalid_credentials' });
    expect(fake.issuedCount).toBe(0);
  });

  it.each([
    ['an extra field', { ...{ connect_access_key: 'a', connect_secret_key: 'b' }, extra: 1 }],
    ['a missing field', { connect_access_key: 'a' }],
    ['a non-string key', { connect_access_key: 'a', connect_secret_key: 7 }],
    ['a JSON array', [1]],
    ['unparseable JSON', '{"connect_access_key":'],
  ])('answers 400 bad_request to %s', async (_name, body) => {
    const response = await createToken(body);
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toEqual({ error: 'bad_request' });
  });

  it('refuses a form-encoded body with 415 and other methods with 405', async () => {
    const form = new URLSearchParams(goodKeys()).toString();
    const formResponse = await createToken(form, 'application/x-www-form-urlencoded');
    expect(formResponse.status).toBe(415);
    const getResponse = await fetch(`${url}/api/create-connect-token`);
    expect(getResponse.status).toBe(405);
    expect(getResponse.headers.get('allow')).toBe('POST');
    expect(fake.issuedCount).toBe(0);
  });

  it('can hand out opaque tokens instead of JWTs', async () => {
    const opaque = new FakeTpaStream({ opaqueTokens: true });
    const opaqueUrl = await opaque.start();
    try {
      const response = await fetch(`${opaqueUrl}/api/create-connect-token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          connect_access_key: opaque.accessKey,
          connect_secret_key: opaque.secretKey,
        }),
      });
      const { data } = await jsonOf(response);
      expect(data).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(decode(data)).toBeNull();
      expect(opaque.verify(data)).toMatchObject({ sub: opaque.accessKey });
    } finally {
      await opaque.stop();
    }
  });
});
