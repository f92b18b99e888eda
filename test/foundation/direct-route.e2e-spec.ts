import {
  createClient,
  expectNoSecretsInLogs,
  fakeToken,
  type GatewayHarness,
  HttpClient,
  type HttpResult,
  seedCredential,
  startGateway,
} from '@keyhouse/testing';
import { randomUUID } from 'node:crypto';

/**
 * GET /v1/credentials/{id}/token and POST /v1/stream-chat/tokens are served by Fastify
 * calling their handlers directly, not through Nest's pipeline. From outside they must be
 * indistinguishable: each refusal below is asked of a direct route and of a Nest neighbour
 * (GET /v1/credentials/{id}, POST /v1/stream-chat/revocations), which go through the global
 * guard, the pipes and the exception filter; both must give the same status, problem code
 * and headers.
 */
const STREAM_CHAT_SECRET = 'direct-route-chat-secret-0123456789abcdef';

describe('a route Fastify serves directly', () => {
  let gateway: GatewayHarness;
  let growth: HttpClient;
  let writerOnly: HttpClient;
  let streamChatOnly: HttpClient;
  let meshOnly: HttpClient;
  let anonymous: HttpClient;
  let ownId: string;
  let rivalId: string;
  let accessToken: string;
  const secrets = new Set<string>();

  beforeAll(async () => {
    gateway = await startGateway({
      env: {
        STREAM_CHAT_API_KEY: 'direct-route-chat',
        STREAM_CHAT_API_SECRET: STREAM_CHAT_SECRET,
      },
    });
    secrets.add(STREAM_CHAT_SECRET);
    secrets.add(gateway.adminKey);
    const clients = {
      growth: await createClient(gateway, { team: 'growth' }),
      writer: await createClient(gateway, { team: 'growth', scopes: ['credentials:write'] }),
      chat: await createClient(gateway, { team: 'growth', providers: ['stream-chat'] }),
      mesh: await createClient(gateway, { team: 'growth', providers: ['mesh'] }),
    };
    Object.values(clients).forEach((client) => secrets.add(client.apiKey));
    growth = new HttpClient(gateway.baseUrl, clients.growth.apiKey);
    writerOnly = new HttpClient(gateway.baseUrl, clients.writer.apiKey);
    streamChatOnly = new HttpClient(gateway.baseUrl, clients.chat.apiKey);
    meshOnly = new HttpClient(gateway.baseUrl, clients.mesh.apiKey);
    anonymous = new HttpClient(gateway.baseUrl);
    accessToken = fakeToken('access');
    secrets.add(accessToken);
    ownId = (await seedCredential(gateway, { team: 'growth', provider: 'mesh', accessToken })).id;
    rivalId = (await seedCredential(gateway, { team: 'rival', provider: 'mesh' })).id;
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
  });

  const both = async (
    client: HttpClient,
    id: string,
  ): Promise<{ direct: HttpResult; nest: HttpResult }> => ({
    direct: await client.get(`/v1/credentials/${id}/token`),
    nest: await client.get(`/v1/credentials/${id}`),
  });

  /** The headers a caller can see, minus those that differ per request by nature. */
  const headerNames = (answer: HttpResult): string[] =>
    [...answer.headers.keys()].filter((name) => !['date', 'content-length'].includes(name)).sort();

  it.each([
    ['no key', () => anonymous, () => ownId, 401, 'unauthenticated'],
    [
      'an unknown key',
      () => anonymous.withKey('kh_live_unknown'),
      () => ownId,
      401,
      'unauthenticated',
    ],
    ['a key without tokens:read', () => writerOnly, () => ownId, 403, 'forbidden'],
    ['an id that is not a UUID', () => growth, () => 'not-a-uuid', 400, 'validation_failed'],
    ["another team's id", () => growth, () => rivalId, 404, 'not_found'],
    ['an id nobody has', () => growth, () => randomUUID(), 404, 'not_found'],
  ])('refuses %s exactly as a Nest route does', async (_case, client, id, status, code) => {
    const { direct, nest } = await both(client(), id());
    expect(direct.status).toBe(status);
    expect(direct.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(direct.headers.get('content-type')).toBe(nest.headers.get('content-type'));
    expect(direct.body).toMatchObject({
      status,
      code,
      requestId: direct.headers.get('x-request-id'),
    });
    expect(nest.status).toBe(status);
    expect(nest.body.code).toBe(code);
    expect(direct.body.detail === nest.body.detail || status === 404).toBe(true);
    expect(headerNames(direct)).toEqual(headerNames(nest));
  });

  it("refuses a credential of a provider the key may not use, as the Nest route's check does", async () => {
    const direct = await streamChatOnly.get(`/v1/credentials/${ownId}/token`);
    expect(direct.status).toBe(403);
    expect(direct.body.code).toBe('forbidden');
  });

  it('answers the token with the route’s own headers, the budget and the security headers', async () => {
    const answer = await growth.get(`/v1/credentials/${ownId}/token`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ accessToken, expiresAt: expect.any(String) });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    const nest = await growth.get(`/v1/credentials/${ownId}`);
    const shared = headerNames(nest).filter((name) => name !== 'cache-control');
    expect(headerNames(answer)).toEqual(expect.arrayContaining(shared));
  });

  it('answers HEAD with the status and headers of GET and no body', async () => {
    const answer = await growth.request('HEAD', `/v1/credentials/${ownId}/token`);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('is logged and measured like any route', async () => {
    const refused = await growth.get('/v1/credentials/not-a-uuid/token');
    const requestId = refused.headers.get('x-request-id') ?? '';
    const line = gateway.logs
      .parsed()
      .find((entry) => entry.requestId === requestId && entry.msg === 'request completed');
    expect(line).toMatchObject({ level: 'warn', res: { statusCode: 400 } });
    const metrics = await anonymous.get('/metrics');
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/credentials\/:id\/token",status_code="200"\} [1-9]/,
    );
  });
  describe('with a body', () => {
    const post = (client: HttpClient, path: string, body: unknown, contentType?: string) =>
      client.request('POST', path, {
        body: typeof body === 'string' ? undefined : body,
        rawBody: typeof body === 'string' ? body : undefined,
        contentType,
      });

    it.each([
      ['no key', () => anonymous, { userId: 'alice' }, undefined, 401, 'unauthenticated'],
      [
        'a key without tokens:issue',
        () => writerOnly,
        { userId: 'alice' },
        undefined,
        403,
        'forbidden',
      ],
      [
        'a key for other providers',
        () => meshOnly,
        { userId: 'alice' },
        undefined,
        403,
        'forbidden',
      ],
      [
        'an unknown field',
        () => growth,
        { userId: 'alice', admin: true },
        undefined,
        400,
        'validation_failed',
      ],
      ['a wrong type', () => growth, { userId: 7 }, undefined, 400, 'validation_failed'],
      [
        'a body that is not an object',
        () => growth,
        '["alice"]',
        undefined,
        400,
        'validation_failed',
      ],
      ['malformed JSON', () => growth, '{"userId":', undefined, 400, 'validation_failed'],
      [
        'another content type',
        () => growth,
        'userId=alice',
        'application/x-www-form-urlencoded',
        415,
        'unsupported_media_type',
      ],
    ])(
      'refuses %s exactly as a Nest route does',
      async (_case, client, body, contentType, status, code) => {
        const direct = await post(client(), '/v1/stream-chat/tokens', body, contentType);
        const nest = await post(client(), '/v1/stream-chat/revocations', body, contentType);
        expect(direct.status).toBe(status);
        expect(direct.body).toMatchObject({ status, code });
        expect(nest.status).toBe(status);
        expect(nest.body.code).toBe(code);
        expect(headerNames(direct)).toEqual(headerNames(nest));
      },
    );

    it('mints with a valid body, and stores nothing for a refused one', async () => {
      const refused = await post(growth, '/v1/stream-chat/tokens', { userId: 'bob', extra: 1 });
      expect(refused.status).toBe(400);
      const listed = await growth.get('/v1/credentials?provider=stream-chat');
      expect(listed.body.items).toEqual([]);
      const minted = await post(growth, '/v1/stream-chat/tokens', { userId: 'bob' });
      expect(minted.status).toBe(200);
      secrets.add(minted.body.token);
      expect(minted.body).toMatchObject({ userId: 'bob', token: expect.any(String) });
      expect(minted.headers.get('cache-control')).toBe('no-store');
    });
  });
});
