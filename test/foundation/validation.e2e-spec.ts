import {
  expectNoSecretsInLogs,
  type GatewayHarness,
  queryDatabase,
  startGateway,
} from '@keyhouse/testing';

describe('request validation', () => {
  let gateway: GatewayHarness;

  const valid = { name: 'valid', team: 'growth', scopes: ['tokens:read'], providers: ['mesh'] };

  const countClients = async (): Promise<number> => {
    const rows = await queryDatabase<{ count: string }>(
      gateway.database.url,
      'SELECT count(*) FROM api_clients',
    );
    return Number(rows[0].count);
  };

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, [gateway.adminKey]);
    await gateway.close();
  });

  it.each([
    ['an unknown field', { ...valid, isAdmin: true }, 'isAdmin'],
    ['a wrong type', { ...valid, name: 42 }, 'name'],
    ['a wrong array element type', { ...valid, providers: [1] }, 'providers'],
    ['an over-long team id', { ...valid, team: 'x'.repeat(257) }, 'team'],
    ['an empty team id', { ...valid, team: '' }, 'team'],
    ['a missing field', { name: 'x', scopes: ['admin'], providers: [] }, 'team'],
    ['a wrong boolean', { ...valid, development: 'yes' }, 'development'],
  ])('refuses %s with 400, names the field, and stores nothing', async (_label, body, field) => {
    const before = await countClients();
    const answer = await gateway.admin.post('/admin/clients', body);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 400,
      code: 'validation_failed',
      type: expect.any(String),
    });
    expect((answer.body.errors as { field: string }[]).map((error) => error.field)).toContain(
      field,
    );
    expect(await countClients()).toBe(before);
  });

  it('refuses a 100 KiB body with 413 and stores nothing', async () => {
    const before = await countClients();
    const answer = await gateway.admin.post('/admin/clients', undefined, {
      rawBody: JSON.stringify({ ...valid, name: 'x'.repeat(100 * 1024) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(await countClients()).toBe(before);
  });

  it('refuses malformed JSON with 400 and does not echo the body', async () => {
    const answer = await gateway.admin.post('/admin/clients', undefined, {
      rawBody: '{"name": "eyJhbGciOiJIUzI1NiJ9.secret-ish.value", ',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    expect(answer.text).not.toContain('secret-ish');
  });

  it('refuses a body that is not a JSON object', async () => {
    const answer = await gateway.admin.post('/admin/clients', [valid]);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
  });

  it('refuses other content types with 415', async () => {
    const answer = await gateway.admin.post('/admin/clients', undefined, {
      rawBody: 'name=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe('unsupported_media_type');
  });

  it.each(['limit=0', 'limit=201', 'limit=abc', 'cursor=not-a-cursor', 'extra=1'])(
    'refuses the list query %s with 400',
    async (query) => {
      const answer = await gateway.admin.get(`/admin/clients?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
    },
  );
});
