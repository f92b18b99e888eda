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
 * GET /v1/credentials/{id}/token is served by Fastify calling its handler directly, not
 * through Nest's pipeline. From outside it must be indistinguishable: each refusal below is
 * asked of the direct route and of its Nest neighbour, GET /v1/credentials/{id}, which goes
 * through the global guard, the pipes and the exception filter; both must give the same
 * status, problem code and headers.
 */
describe('a route Fastify serves directly', () => {
  let gateway: GatewayHarness;
  let growth: HttpClient;
  let writerOnly: HttpClient;
  let streamChatOnly: HttpClient;
  let anonymous: HttpClient;
  let ownId: string;
  let rivalId: string;
  let accessToken: string;
  const secrets = new Set<string>();

  beforeAll(async () => {
    gateway = await startGateway();
    secrets.add(gateway.adminKey);
    const clients = {
      growth: await createClient(gateway, { team: 'growth' }),
      writer: await createClient(gateway, { team: 'growth', scopes: ['credentials:write'] }),
      chat: await createClient(gateway, { team: 'growth', providers: ['stream-chat'] }),
    };
    Object.values(clients).forEach((client) => secrets.add(client.apiKey));
    growth = new HttpClient(gateway.baseUrl, clients.growth.apiKey);
    writerOnly = new HttpClient(gateway.baseUrl, clients.writer.apiKey);
    streamChatOnly = new HttpClient(gateway.baseUrl, clients.chat.apiKey);
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
});
