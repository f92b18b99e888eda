import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { FakeMyDataHelps } from './fake-mydatahelps';

// Answers are read loosely: a wrong shape fails the assertion.
const jsonOf = (response: Response): Promise<any> => response.json();

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('FakeMyDataHelps', () => {
  let clock = Date.now();
  const fake = new FakeMyDataHelps({ serviceAccount: 'MyDataHelps.1234.test', now: () => clock });

  const assertion = (claims: object = {}, key = fake.privateKeyPem!) =>
    sign(
      {
        iss: fake.serviceAccount,
        sub: fake.serviceAccount,
        aud: fake.tokenUrl,
        exp: Math.floor(clock / 1000) + 300,
        jti: randomUUID(),
        ...claims,
      },
      key,
      { algorithm: 'RS256' },
    );
  const post = (form: Record<string, string> | string, contentType?: string) =>
    fetch(fake.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': contentType ?? 'application/x-www-form-urlencoded' },
      body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
    });
  const serviceForm = (overrides: Record<string, string> = {}) => ({
    grant_type: 'client_credentials',
    scope: 'api',
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion(),
    ...overrides,
  });
  const participantForm = (token: string, overrides: Record<string, string> = {}) => ({
    grant_type: 'delegated_participant',
    participant_id: 'participant-1',
    client_id: 'MyDataHelps.DelegatedParticipant',
    client_secret: 'secret',
    scope: 'api',
    token,
    ...overrides,
  });
  const serviceToken = async (): Promise<string> => {
    const response = await post(serviceForm());
    expect(response.status).toBe(200);
    return (await jsonOf(response)).access_token;
  };
  const expectOAuthError = async (response: Response, error: string) => {
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toMatchObject({ error });
  };

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    clock = Date.now();
    fake.reset();
  });

  it('issues a service token for a good client assertion', async () => {
    const response = await post(serviceForm());
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_in: 300,
      token_type: 'Bearer',
    });
    expect(fake.isServiceTokenValid(body.access_token)).toBe(true);
    expect(fake.serviceTokenCount).toBe(1);
    expect(fake.tokenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/identityserver\/connect\/token$/);
    expect(fake.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('exchanges a service token for a six-hour participant token', async () => {
    const token = await serviceToken();
    for (const clientId of ['MyDataHelps.DelegatedParticipant', 'RKStudio.DelegatedParticipant']) {
      const response = await post(participantForm(token, { client_id: clientId }));
      expect(response.status).toBe(200);
      const body = await jsonOf(response);
      expect(body).toEqual({
        access_token: expect.any(String),
        expires_in: 21_600,
        token_type: 'Bearer',
      });
      expect(fake.isParticipantTokenValid(body.access_token, 'participant-1')).toBe(true);
      expect(fake.isParticipantTokenValid(body.access_token, 'participant-2')).toBe(false);
    }
    expect(fake.participantTokenCount).toBe(2);
  });

  it('refuses client_id alongside a client assertion', async () => {
    await expectOAuthError(
      await post(serviceForm({ client_id: fake.serviceAccount })),
      'invalid_request',
    );
    expect(fake.serviceTokenCount).toBe(0);
  });

  it('refuses an assertion signed with another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const response = await post(serviceForm({ client_assertion: assertion({}, otherPem) }));
    await expectOAuthError(response, 'invalid_client');
  });

  it.each([
    ['aud is the base URL', () => ({ aud: fake.baseUrl })],
    ['aud is an array', () => ({ aud: [fake.tokenUrl] })],
    ['iss is another account', () => ({ iss: 'MyDataHelps.9999.test' })],
    ['sub is missing', () => ({ sub: undefined })],
    ['exp has passed', () => ({ exp: Math.floor(clock / 1000) - 5 })],
    ['exp is an hour ahead', () => ({ exp: Math.floor(clock / 1000) + 3600 })],
    ['jti is not a UUID', () => ({ jti: 'abc' })],
    ['jti is missing', () => ({ jti: undefined })],
  ])('refuses an assertion whose %s', async (_name, claims) => {
    const response = await post(serviceForm({ client_assertion: assertion(claims()) }));
    await expectOAuthError(response, 'invalid_client');
  });

  it('refuses an HS256 assertion', async () => {
    const forged = sign({ iss: fake.serviceAccount, sub: fake.serviceAccount }, 'secret');
    await expectOAuthError(await post(serviceForm({ client_assertion: forged })), 'invalid_client');
  });

  it('refuses a replayed jti', async () => {
    const once = assertion();
    expect((await post(serviceForm({ client_assertion: once }))).status).toBe(200);
    await expectOAuthError(await post(serviceForm({ client_assertion: once })), 'invalid_client');
    expect(fake.serviceTokenCount).toBe(1);
  });

  it('takes only form encoding', async () => {
    const json = await post(JSON.stringify(serviceForm()), 'application/json');
    expect(json.status).toBe(400);
    expect(await jsonOf(json)).toMatchObject({ error: 'invalid_request' });
    const repeated = `${new URLSearchParams(serviceForm()).toString()}&scope=api`;
    await expectOAuthError(await post(repeated), 'invalid_request');
  });

  it('refuses unknown grants and wrong scopes', async () => {
    await expectOAuthError(await post({ grant_type: 'password' }), 'unsupported_grant_type');
    await expectOAuthError(await post(serviceForm({ scope: 'api openid' })), 'invalid_scope');
    const withoutScope: Record<string, string> = serviceForm();
    delete withoutScope.scope;
    await expectOAuthError(await post(withoutScope), 'invalid_scope');
  });

  it('refuses a bad client, a bad or expired service token and a revoked participant', async () => {
    const token = await serviceToken();
    await expectOAuthError(
      await post(participantForm(token, { client_secret: 'nope' })),
      'invalid_client',
    );
    await expectOAuthError(
      await post(participantForm(token, { client_id: 'Other' })),
      'invalid_client',
    );
    await expectOAuthError(await post(participantForm('made-up-token')), 'invalid_grant');
    const noParticipant: Record<string, string> = participantForm(token);
    delete noParticipant.participant_id;
    await expectOAuthError(await post(noParticipant), 'invalid_request');

    const response = await post(participantForm(token));
    const { access_token: participantToken } = await jsonOf(response);
    fake.revokeParticipant('participant-1');
    await expectOAuthError(await post(participantForm(token)), 'invalid_grant');
    expect(fake.isParticipantTokenValid(participantToken, 'participant-1')).toBe(false);

    clock += 301_000;
    expect(fake.isServiceTokenValid(token)).toBe(false);
    await expectOAuthError(
      await post(participantForm(token, { participant_id: 'p2' })),
      'invalid_grant',
    );
    expect(fake.participantTokenCount).toBe(1);
  });

  it('rate-limits by grant with the RateLimit headers', async () => {
    const token = await serviceToken();
    fake.rateLimitNext({ resetSeconds: 120, grant: 'delegated_participant' });
    expect((await post(serviceForm())).status).toBe(200);
    // reset() keeps tokens and revocations, so this test uses its own participant.
    const form = participantForm(token, { participant_id: 'participant-rate' });
    const limited = await post(form);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-limit')).toBe('100');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-reset')).toBe('120');
    expect(await limited.text()).toBe('');
    expect((await post(form)).status).toBe(200);
    expect(fake.participantTokenCount).toBe(1);
  });
});
