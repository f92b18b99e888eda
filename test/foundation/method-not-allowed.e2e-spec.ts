import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  queryDatabase,
  startGateway,
} from '@keyhouse/testing';

/**
 * A path some route answers, asked with another method, is 405 with an Allow header naming
 * the methods it answers (RFC 9110 §15.5.6), before any key is checked; a path no route
 * answers stays 404.
 */
describe('405 for a known path asked with another method', () => {
  let gateway: GatewayHarness;
  let reader: { id: string; apiKey: string };
  const id = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    gateway = await startGateway();
    reader = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, [gateway.adminKey, reader.apiKey]);
    await gateway.close();
  });

  it.each([
    ['POST', `/v1/credentials/${id}/token`, 'GET, HEAD'],
    ['DELETE', '/v1/credentials', 'GET, HEAD'],
    ['PATCH', `/v1/credentials/${id}`, 'DELETE, GET, HEAD'],
    ['GET', '/v1/stream-chat/tokens', 'POST'],
    ['PUT', '/admin/clients', 'GET, HEAD, POST'],
  ])('%s %s is 405, Allow: %s', async (method, path, allow) => {
    const answer = await gateway.http.request(method, `${path}?page=1`, { key: reader.apiKey });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe(allow);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.body).toMatchObject({
      status: 405,
      code: 'method_not_allowed',
      requestId: answer.headers.get('x-request-id'),
    });
  });

  it('answers 405 before authentication, and records no key use', async () => {
    const before = await lastUsedAt(reader.id);
    expect((await gateway.http.request('PUT', '/v1/credentials')).status).toBe(405);
    const forged = await gateway.http.request('PUT', '/v1/credentials', { key: 'kh_live_forged' });
    expect(forged.status).toBe(405);
    expect(await lastUsedAt(reader.id)).toEqual(before);
  });

  it.each([
    ['GET', '/v1/nothing-here'],
    ['POST', '/v1/credentials/'],
    ['GET', `/v1/credentials/${id}/token/extra`],
  ])('%s %s is still 404', async (method, path) => {
    const answer = await gateway.http.request(method, path, { key: reader.apiKey });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('allow')).toBeNull();
    expect(answer.body).toMatchObject({ status: 404, code: 'not_found' });
  });

  async function lastUsedAt(clientId: string): Promise<unknown> {
    const rows = await queryDatabase<{ last_used_at: Date | null }>(
      gateway.database.url,
      'SELECT last_used_at FROM api_clients WHERE id = $1',
      [clientId],
    );
    return rows[0]?.last_used_at?.getTime() ?? null;
  }
});
