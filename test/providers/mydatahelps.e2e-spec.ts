import {
  FakeMyDataHelps,
  JWT_BEARER_ASSERTION_TYPE,
  MYDATAHELPS_TOKEN_PATH,
} from '@keyhouse/sandbox';
import {
  createClient,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
  startProviderGateway,
  stopProviderGateway,
  waitFor,
  providerCalls,
} from '@keyhouse/testing';
import { CredentialCipher, CredentialRepository, SYSTEM_TEAM } from '@keyhouse/vault';
import { decode, type JwtPayload } from 'jsonwebtoken';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('MyDataHelps', () => {
  const mydatahelps = new FakeMyDataHelps({ serviceAccount: 'MyDataHelps.1234.test' });
  let gateway: GatewayHarness;
  let research: HttpClient;
  const secrets = new Set<string>();

  const participantToken = (participantId: string, client = research) =>
    client.post('/v1/mydatahelps/participant-tokens', { participantId });

  const formsSent = (grant?: string) =>
    mydatahelps
      .requestsTo(MYDATAHELPS_TOKEN_PATH, 'POST')
      .map((request) => Object.fromEntries(new URLSearchParams(request.rawBody)))
      .filter((form) => grant === undefined || form.grant_type === grant);

  const storedRows = (team: string, userId: string) =>
    queryDatabase<{ id: string; account_key: string; status: string; metadata: object }>(
      gateway.database.url,
      `SELECT id, account_key, status, metadata FROM credentials
        WHERE provider = 'mydatahelps' AND team = $1 AND user_id = $2`,
      [team, userId],
    );

  /** The stored service token falls inside its refresh lead: the next request needs a new one. */
  const expireServiceToken = () =>
    queryDatabase(
      gateway.database.url,
      `UPDATE credentials SET expires_at = now() WHERE team = $1 AND account_key = 'service-token'`,
      [SYSTEM_TEAM],
    );

  let warmUps = 0;
  /** Makes sure a good service token is stored (the first request of a test then reuses it). */
  const storeServiceToken = async () => {
    warmUps += 1;
    const answer = await participantToken(`warm-up-${warmUps}`);
    expect(answer.status).toBe(200);
    secrets.add(answer.body.accessToken);
    mydatahelps.reset();
  };

  beforeAll(async () => {
    ({ gateway, client: research } = await startProviderGateway({
      fake: mydatahelps,
      env: () => ({
        MYDATAHELPS_TOKEN_URL: mydatahelps.tokenUrl,
        MYDATAHELPS_SERVICE_ACCOUNT: mydatahelps.serviceAccount,
        MYDATAHELPS_PRIVATE_KEY: mydatahelps.privateKeyPem,
      }),
      team: 'research',
      provider: 'mydatahelps',
      secrets,
    }));
    // The key's body, whole and line by line: no part of it may reach a log.
    const pemBody = mydatahelps
      .privateKeyPem!.split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('-----'));
    secrets.add(pemBody.join('')).add(pemBody.join('\n'));
    pemBody.forEach((line) => secrets.add(line));
  });

  afterEach(() => {
    // Every service token and assertion the gateway sent is a secret too.
    for (const form of formsSent()) {
      for (const field of ['token', 'client_assertion']) {
        if (form[field]) {
          secrets.add(form[field]);
        }
      }
    }
    mydatahelps.reset();
  });

  afterAll(() => stopProviderGateway(gateway, mydatahelps, secrets));

  it('gets a service token by client assertion, then the participant token, form-encoded', async () => {
    const before = Math.floor(Date.now() / 1_000);
    const answer = await participantToken('participant-1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: expect.any(Number),
      expiresAt: expect.any(String),
      // The two arguments of the browser SDK's setParticipantAccessToken.
      sdkToken: {
        access_token: answer.body.accessToken,
        expires_in: answer.body.expiresIn,
        token_type: 'Bearer',
      },
      baseUrl: `${mydatahelps.baseUrl}/`,
    });
    secrets.add(answer.body.accessToken);
    expect(answer.body.expiresIn).toBeGreaterThan(21_590);
    expect(answer.body.expiresIn).toBeLessThanOrEqual(21_600);
    expect(new Date(answer.body.expiresAt).getTime() / 1_000).toBeCloseTo(before + 21_600, -1);
    expect(mydatahelps.isParticipantTokenValid(answer.body.accessToken, 'participant-1')).toBe(
      true,
    );

    const [service, participant] = mydatahelps.requestsTo(MYDATAHELPS_TOKEN_PATH, 'POST');
    expect(service.contentType).toBe('application/x-www-form-urlencoded');
    const serviceForm = new URLSearchParams(service.rawBody);
    expect([...serviceForm.keys()].sort()).toEqual([
      'client_assertion',
      'client_assertion_type',
      'grant_type',
      'scope',
    ]);
    expect(serviceForm.has('client_id')).toBe(false);
    expect(serviceForm.get('grant_type')).toBe('client_credentials');
    expect(serviceForm.get('scope')).toBe('api');
    expect(serviceForm.get('client_assertion_type')).toBe(JWT_BEARER_ASSERTION_TYPE);
    const assertion = decode(serviceForm.get('client_assertion')!, { complete: true })!;
    const claims = assertion.payload as JwtPayload;
    expect(assertion.header.alg).toBe('RS256');
    expect(claims.iss).toBe('MyDataHelps.1234.test');
    expect(claims.sub).toBe('MyDataHelps.1234.test');
    expect(claims.aud).toBe(mydatahelps.tokenUrl);
    expect(claims.jti).toMatch(UUID);
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.exp).toBeGreaterThanOrEqual(before + 300);
    expect(claims.exp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1_000) + 300);

    expect(participant.contentType).toBe('application/x-www-form-urlencoded');
    const participantForm = Object.fromEntries(new URLSearchParams(participant.rawBody));
    expect(participantForm).toEqual({
      grant_type: 'delegated_participant',
      participant_id: 'participant-1',
      client_id: 'MyDataHelps.DelegatedParticipant',
      client_secret: 'secret',
      token: expect.any(String),
      scope: 'api',
    });
    expect(mydatahelps.isServiceTokenValid(participantForm.token)).toBe(true);

    expect(await storedRows('research', 'participant-1')).toEqual([
      expect.objectContaining({
        account_key: 'participant-1',
        status: 'active',
        metadata: { kind: 'participant_token' },
      }),
    ]);
    expect(await storedRows(SYSTEM_TEAM, 'mydatahelps')).toEqual([
      expect.objectContaining({
        account_key: 'service-token',
        status: 'active',
        metadata: { kind: 'service_token' },
      }),
    ]);
  });

  it('hands the same participant the stored token while it is outside the refresh lead', async () => {
    await expireServiceToken();
    const first = await participantToken('participant-2');
    const second = await participantToken('participant-2');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    secrets.add(first.body.accessToken);
    expect(second.body.accessToken).toBe(first.body.accessToken);
    expect(second.body.expiresAt).toBe(first.body.expiresAt);
    expect(second.body.expiresIn).toBeLessThanOrEqual(first.body.expiresIn);
    expect(mydatahelps.participantTokenCount).toBe(1);
    expect(mydatahelps.serviceTokenCount).toBe(1);

    // The stored token was decrypted for this client, and that read is audited.
    const [row] = await storedRows('research', 'participant-2');
    await waitFor('the audited read', async () => {
      const events = await queryDatabase<{ action: string; actor_kind: string }>(
        gateway.database.url,
        `SELECT action, actor_kind FROM audit_events WHERE credential_id = $1`,
        [row.id],
      );
      return events.some(
        (event) => event.action === 'credential.read' && event.actor_kind === 'client',
      );
    });
  });

  it('replaces a stored participant token inside its refresh lead, in the same row', async () => {
    const first = await participantToken('participant-3');
    secrets.add(first.body.accessToken);
    const [before] = await storedRows('research', 'participant-3');
    await queryDatabase(
      gateway.database.url,
      `UPDATE credentials SET expires_at = now() + interval '30 seconds' WHERE id = $1`,
      [before.id],
    );

    const second = await participantToken('participant-3');
    expect(second.status).toBe(200);
    secrets.add(second.body.accessToken);
    expect(second.body.accessToken).not.toBe(first.body.accessToken);
    expect(second.body.expiresIn).toBeGreaterThan(21_590);
    expect(mydatahelps.participantTokenCount).toBe(2);
    expect(await storedRows('research', 'participant-3')).toEqual([
      expect.objectContaining({ id: before.id, status: 'active' }),
    ]);
  });

  it('shares one service token request among ten concurrent participants', async () => {
    await expireServiceToken();
    // The service token request is held a moment, so all ten arrive while it is in flight.
    mydatahelps.hangNext({ ms: 300, path: MYDATAHELPS_TOKEN_PATH });
    const participants = Array.from({ length: 10 }, (_, index) => `concurrent-${index}`);
    const answers = await Promise.all(participants.map((id) => participantToken(id)));

    expect(answers.map((answer) => answer.status)).toEqual(participants.map(() => 200));
    answers.forEach((answer) => secrets.add(answer.body.accessToken));
    expect(new Set(answers.map((answer) => answer.body.accessToken)).size).toBe(10);
    expect(mydatahelps.serviceTokenCount).toBe(1);
    expect(mydatahelps.participantTokenCount).toBe(10);
    expect(new Set(formsSent('delegated_participant').map((form) => form.token)).size).toBe(1);
    expect(await storedRows(SYSTEM_TEAM, 'mydatahelps')).toHaveLength(1);
  });

  it('reuses the stored service token, and replaces it once when MyDataHelps refuses it', async () => {
    await storeServiceToken();
    expect((await participantToken('participant-4')).status).toBe(200);
    expect(mydatahelps.serviceTokenCount).toBe(0);

    // The stored service token is refused (invalid_grant): a new one, and the request again.
    mydatahelps.failNext({
      status: 400,
      body: { error: 'invalid_grant' },
      path: MYDATAHELPS_TOKEN_PATH,
    });
    const answer = await participantToken('participant-5');
    expect(answer.status).toBe(200);
    secrets.add(answer.body.accessToken);
    expect(formsSent().map((form) => form.grant_type)).toEqual([
      'delegated_participant',
      'delegated_participant',
      'client_credentials',
      'delegated_participant',
    ]);
    expect(mydatahelps.serviceTokenCount).toBe(1);
  });

  it('answers 424 needs_reauth for a revoked participant and stores nothing', async () => {
    mydatahelps.revokeParticipant('revoked-1');
    await storeServiceToken();
    const answer = await participantToken('revoked-1');
    expect(answer.status).toBe(424);
    expect(answer.body.code).toBe('needs_reauth');
    // A stored service token gets one second chance with a new one; a new one gets none.
    expect(formsSent().map((form) => form.grant_type)).toEqual([
      'delegated_participant',
      'client_credentials',
      'delegated_participant',
    ]);
    expect(await storedRows('research', 'revoked-1')).toEqual([]);

    mydatahelps.reset();
    await expireServiceToken();
    const again = await participantToken('revoked-1');
    expect(again.status).toBe(424);
    expect(formsSent().map((form) => form.grant_type)).toEqual([
      'client_credentials',
      'delegated_participant',
    ]);
  });

  it('answers 503 with Retry-After from RateLimit-Reset when the service grant is limited', async () => {
    await expireServiceToken();
    mydatahelps.rateLimitNext({ grant: 'client_credentials', resetSeconds: 120 });
    const answer = await participantToken('limited-1');
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('upstream_unavailable');
    expect(answer.headers.get('retry-after')).toBe('120');
    // A client assertion is never resent (its jti would be replayed).
    expect(formsSent()).toHaveLength(1);
    expect(await storedRows('research', 'limited-1')).toEqual([]);
  });

  it('answers 503 with Retry-After at once when a participant grant is limited', async () => {
    await storeServiceToken();
    mydatahelps.rateLimitNext({ grant: 'delegated_participant', resetSeconds: 90 });
    const answer = await participantToken('limited-2');
    expect(answer.status).toBe(503);
    expect(answer.body.code).toBe('upstream_unavailable');
    expect(answer.headers.get('retry-after')).toBe('90');
    // Not retried: the limits are hourly, a second try only spends quota.
    expect(formsSent('delegated_participant')).toHaveLength(1);
    expect(await storedRows('research', 'limited-2')).toEqual([]);
  });

  it.each([
    { label: 'invalid_client', upstream: 400, body: { error: 'invalid_client' }, status: 502 },
    { label: 'invalid_scope', upstream: 400, body: { error: 'invalid_scope' }, status: 502 },
    {
      label: 'unsupported_grant_type',
      upstream: 400,
      body: { error: 'unsupported_grant_type' },
      status: 502,
    },
    { label: 'a server error', upstream: 500, body: { error: 'server_error' }, status: 503 },
    {
      label: 'a token without expires_in',
      upstream: 200,
      body: { access_token: 'x' },
      status: 502,
    },
    {
      label: 'an answer that is not JSON',
      upstream: 200,
      body: 'Service Unavailable',
      status: 502,
    },
    { label: 'an unexpected status', upstream: 403, body: '', status: 502 },
  ])(
    'maps $label (HTTP $upstream) on the service grant to $status, and stores nothing',
    async ({ label, upstream, body, status }) => {
      await expireServiceToken();
      mydatahelps.failNext({ status: upstream, body, path: MYDATAHELPS_TOKEN_PATH });
      const participantId = `failed-${label.replace(/\W/g, '-')}`;
      const answer = await participantToken(participantId);
      expect(answer.status).toBe(status);
      expect(answer.body.code).toBe(status === 503 ? 'upstream_unavailable' : 'upstream_error');
      expect(formsSent()).toHaveLength(1);
      expect(await storedRows('research', participantId)).toEqual([]);
    },
  );

  it('maps invalid_client on the participant grant to 502 without a second try', async () => {
    await storeServiceToken();
    mydatahelps.failNext({
      status: 400,
      body: { error: 'invalid_client' },
      path: MYDATAHELPS_TOKEN_PATH,
    });
    const answer = await participantToken('failed-participant');
    expect(answer.status).toBe(502);
    expect(answer.body.code).toBe('upstream_error');
    expect(formsSent()).toHaveLength(1);
  });

  it('renews participant and service tokens through the provider, as the refresh engine does', async () => {
    const issued = await participantToken('refreshed-1');
    secrets.add(issued.body.accessToken);
    const repository = gateway.app.get(CredentialRepository);
    const cipher = gateway.app.get(CredentialCipher);
    const provider = providerCalls(gateway.app, 'mydatahelps');

    const participant = (await repository.findLiveForAccount(
      { team: 'research', userId: 'refreshed-1' },
      'mydatahelps',
      'refreshed-1',
    ))!;
    const now = new Date();
    expect(provider.canRefresh(participant, now)).toBe(true);
    const renewed = await provider.refresh({
      credential: participant,
      secrets: await cipher.openSecrets(participant),
      now,
    });
    secrets.add(renewed.accessToken);
    expect(renewed).toEqual({
      accessToken: expect.any(String),
      refreshToken: null,
      obtainedAt: now,
      expiresInSeconds: 21_600,
    });
    expect(renewed.accessToken).not.toBe(issued.body.accessToken);
    expect(mydatahelps.isParticipantTokenValid(renewed.accessToken, 'refreshed-1')).toBe(true);

    mydatahelps.reset();
    const service = (await repository.findLiveForAccount(
      { team: SYSTEM_TEAM, userId: 'mydatahelps' },
      'mydatahelps',
      'service-token',
    ))!;
    const newService = await provider.refresh({
      credential: service,
      secrets: await cipher.openSecrets(service),
      now,
    });
    secrets.add(newService.accessToken);
    expect(newService.expiresInSeconds).toBe(300);
    expect(mydatahelps.isServiceTokenValid(newService.accessToken)).toBe(true);
    expect(formsSent().map((form) => form.grant_type)).toEqual(['client_credentials']);
  });

  it("should not return another team's participant token, nor the service token", async () => {
    const issued = await participantToken('shared-id');
    secrets.add(issued.body.accessToken);
    const [row] = await storedRows('research', 'shared-id');
    const own = await research.get(`/v1/credentials/${row.id}/token`);
    expect(own.status).toBe(200);
    expect(own.body.accessToken).toBe(issued.body.accessToken);

    const rival = await createClient(gateway, { team: 'rival', providers: ['mydatahelps'] });
    secrets.add(rival.apiKey);
    const rivalClient = new HttpClient(gateway.baseUrl, rival.apiKey);
    const stolen = await rivalClient.get(`/v1/credentials/${row.id}/token`);
    expect(stolen.status).toBe(404);
    expect(stolen.text).not.toContain(issued.body.accessToken);

    const [service] = await storedRows(SYSTEM_TEAM, 'mydatahelps');
    expect((await research.get(`/v1/credentials/${service.id}/token`)).status).toBe(404);
    expect((await rivalClient.get(`/v1/credentials/${service.id}`)).status).toBe(404);

    // The same participant id in another team is another credential with its own token.
    const theirs = await participantToken('shared-id', rivalClient);
    expect(theirs.status).toBe(200);
    secrets.add(theirs.body.accessToken);
    expect(theirs.body.accessToken).not.toBe(issued.body.accessToken);
  });

  it.each([
    ['an empty participantId', { participantId: '' }],
    ['a participantId of 257 characters', { participantId: 'p'.repeat(257) }],
    ['a control character', { participantId: 'p\u0000x' }],
    ['a number', { participantId: 42 }],
    ['an unknown field', { participantId: 'p', scope: 'all' }],
  ])('refuses %s with 400 before calling MyDataHelps', async (_label, body) => {
    const answer = await research.post('/v1/mydatahelps/participant-tokens', body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    expect(mydatahelps.requests).toEqual([]);
  });

  it('refuses keys without the mydatahelps provider or the scope', async () => {
    const other = await createClient(gateway, { team: 'research', providers: ['mesh'] });
    const reader = await createClient(gateway, {
      team: 'research',
      providers: ['mydatahelps'],
      scopes: ['tokens:read'],
    });
    secrets.add(other.apiKey).add(reader.apiKey);
    for (const key of [other.apiKey, reader.apiKey]) {
      const answer = await participantToken('p', new HttpClient(gateway.baseUrl, key));
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('forbidden');
    }
    expect(mydatahelps.requests).toEqual([]);
  });

  it('refuses a development key with 403 before asking MyDataHelps (6 h tokens, no shortening)', async () => {
    const development = await createClient(gateway, {
      team: 'research',
      providers: ['mydatahelps'],
      development: true,
    });
    secrets.add(development.apiKey);
    const answer = await participantToken(
      'dev-participant',
      new HttpClient(gateway.baseUrl, development.apiKey),
    );
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.code).toBe('forbidden');
    expect(answer.body.detail).toMatch(/at most 3600 seconds/);
    expect(answer.body.detail).toMatch(/non-development key/);
    expect(mydatahelps.requests).toEqual([]);
    expect(await storedRows('research', 'dev-participant')).toEqual([]);
  });

  it('answers 503 provider_not_configured without keys', async () => {
    const bare = await startGateway();
    try {
      const client = await createClient(bare, { team: 'research' });
      const answer = await participantToken('p', new HttpClient(bare.baseUrl, client.apiKey));
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('provider_not_configured');
      expect(mydatahelps.requests).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
