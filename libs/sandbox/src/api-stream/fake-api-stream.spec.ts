import { decode } from 'jsonwebtoken';
import { FakeApiStream } from './fake-api-stream';

// Answers are read loosely: a wrong shape fails the assertion.
const jsonOf = (response: Response): Promise<any> => response.json();

const TOKEN_PATH = '/live/v2/authentication/token';

describe('FakeApiStream', () => {
  let clock = Date.now();
  const fake = new FakeApiStream({ now: () => clock });
  let url: string;

  const create = (
    body: unknown,
    apiKey: string | null = fake.apiKey,
    contentType = 'application/json',
  ) =>
    fetch(`${url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, ...(apiKey !== null && { 'X-API-Key': apiKey }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const createToken = async (body: object, apiKey = fake.apiKey): Promise<string> => {
    const response = await create(body, apiKey);
    expect(response.status).toBe(200);
    return (await jsonOf(response)).accessToken;
  };
  const refresh = (authorization: string | null, body: unknown = {}) =>
    fetch(`${url}${TOKEN_PATH}`, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/json',
        ...(authorization !== null && { Authorization: authorization }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const expectGrpcError = async (response: Response, status: number, code: number) => {
    expect(response.status).toBe(status);
    expect(await jsonOf(response)).toEqual({ code, message: expect.any(String), details: [] });
  };

  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    clock = Date.now();
    fake.reset();
  });

  it('creates a 48-hour HS256 token by default', async () => {
    const response = await create({
      serviceUserId: 'user-1',
      displayName: 'Ada',
      role: 'ROLE_HOST',
    });
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(Object.keys(body)).toEqual(['accessToken']);
    const full = decode(body.accessToken, { complete: true });
    expect(full?.header.alg).toBe('HS256');
    const claims = fake.decode(body.accessToken);
    expect(claims).toEqual(full?.payload);
    expect(claims).toMatchObject({ sub: 'user-1', role: 'ROLE_HOST', displayName: 'Ada' });
    expect(claims!.exp - claims!.iat).toBe(172_800);
    expect(claims).not.toHaveProperty('dev');
    expect(fake.isTokenValid(body.accessToken)).toBe(true);
    expect(fake.createCount).toBe(1);
  });

  it('honours maxDuration in milliseconds, as a number or an int64 string', async () => {
    const short = fake.decode(
      await createToken({ serviceUserId: 'u', role: 'ROLE_VIEWER', maxDuration: 60_000 }),
    );
    expect(short!.exp - short!.iat).toBe(60);
    const text = fake.decode(
      await createToken({ serviceUserId: 'u', role: 'ROLE_VIEWER', maxDuration: '120000' }),
    );
    expect(text!.exp - text!.iat).toBe(120);
  });

  it.each([
    ['an unknown field', { serviceUserId: 'u', role: 'ROLE_HOST', scope: 'all' }],
    ['a missing serviceUserId', { role: 'ROLE_HOST' }],
    ['an unknown role', { serviceUserId: 'u', role: 'ROLE_ADMIN' }],
    ['a fractional maxDuration', { serviceUserId: 'u', role: 'ROLE_HOST', maxDuration: 1.5 }],
    ['a negative maxDuration', { serviceUserId: 'u', role: 'ROLE_HOST', maxDuration: -1 }],
    ['unparseable JSON', '{"serviceUserId":'],
  ])('answers 400 INVALID_ARGUMENT to %s', async (_name, body) => {
    await expectGrpcError(await create(body), 400, 3);
    expect(fake.createCount).toBe(0);
  });

  it('wants the X-API-Key header and JSON', async () => {
    const body = { serviceUserId: 'u', role: 'ROLE_HOST' };
    await expectGrpcError(await create(body, null), 401, 16);
    await expectGrpcError(await create(body, 'wrong-key'), 401, 16);
    expect(
      (await create('serviceUserId=u', fake.apiKey, 'application/x-www-form-urlencoded')).status,
    ).toBe(415);
    await expectGrpcError(await fetch(`${url}${TOKEN_PATH}`), 405, 12);
    await expectGrpcError(await fetch(`${url}/live/v2/nope`), 404, 5);
  });

  it('limits development keys to GUEST and VIEWER for at most an hour', async () => {
    const viewer = await createToken(
      { serviceUserId: 'u', role: 'ROLE_VIEWER' },
      fake.developmentApiKey,
    );
    const claims = fake.decode(viewer);
    expect(claims).toMatchObject({ role: 'ROLE_VIEWER', dev: true });
    expect(claims!.exp - claims!.iat).toBe(3600);
    await createToken({ serviceUserId: 'u', role: 'ROLE_GUEST' }, fake.developmentApiKey);
    for (const role of ['ROLE_HOST', 'ROLE_COHOST', 'ROLE_CONTRIBUTOR']) {
      await expectGrpcError(
        await create({ serviceUserId: 'u', role }, fake.developmentApiKey),
        403,
        7,
      );
    }
    expect(fake.createCount).toBe(2);
  });

  it('refreshes through PUT, answering {} with the new token in the Authorization header', async () => {
    const token = await createToken({
      serviceUserId: 'u',
      role: 'ROLE_GUEST',
      maxDuration: 600_000,
    });
    clock += 10_000;
    const response = await refresh(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({});
    const header = response.headers.get('authorization');
    expect(header).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const renewed = header!.slice('Bearer '.length);
    const before = fake.decode(token)!;
    const after = fake.decode(renewed)!;
    expect(after).toMatchObject({ sub: 'u', role: 'ROLE_GUEST', iat: before.iat + 10 });
    expect(after.exp - after.iat).toBe(600);
    expect(after.jti).not.toBe(before.jti);
    expect(fake.isTokenValid(renewed)).toBe(true);
    expect(fake.refreshCount).toBe(1);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PUT', rawBody: '{}' });
  });

  it('keeps the development mark across a refresh', async () => {
    const token = await createToken(
      { serviceUserId: 'u', role: 'ROLE_VIEWER' },
      fake.developmentApiKey,
    );
    const response = await refresh(`Bearer ${token}`);
    const renewed = response.headers.get('authorization')!.slice('Bearer '.length);
    expect(fake.decode(renewed)).toMatchObject({ dev: true, role: 'ROLE_VIEWER' });
  });

  it('refuses to refresh a missing, raw, revoked or expired token, or a non-empty body', async () => {
    const token = await createToken({ serviceUserId: 'u', role: 'ROLE_HOST', maxDuration: 60_000 });
    await expectGrpcError(await refresh(null), 401, 16);
    await expectGrpcError(await refresh(token), 401, 16);
    await expectGrpcError(await refresh('Bearer not-a-token'), 401, 16);
    await expectGrpcError(await refresh(`Bearer ${token}`, { token }), 400, 3);
    await expectGrpcError(await refresh(`Bearer ${token}`, ''), 400, 3);

    const revoked = await createToken({ serviceUserId: 'u', role: 'ROLE_HOST' });
    fake.revoke(revoked);
    await expectGrpcError(await refresh(`Bearer ${revoked}`), 401, 16);

    clock += 61_000;
    expect(fake.isTokenValid(token)).toBe(false);
    await expectGrpcError(await refresh(`Bearer ${token}`), 401, 16);
    expect(fake.refreshCount).toBe(0);
  });
});
