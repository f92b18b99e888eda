import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  type HttpResult,
  queryDatabase,
  routeTable,
  startGateway,
  waitFor,
} from '@keyhouse/testing';

const UUID = '00000000-0000-4000-8000-000000000000';

function expectValidationProblem(answer: HttpResult, field?: string): void {
  expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({
    status: 400,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(answer.body).toMatchObject({ status: 400, code: 'validation_failed' });
  if (field) {
    const fields = (answer.body.errors as { field: string }[]).map((error) => error.field);
    expect(fields).toContain(field);
  }
}

/** Keyset cursors as the API encodes them: base64url of [createdAt, id]. */
const cursorOf = (createdAt: unknown, id: unknown = UUID): string =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

describe('hostile input at the HTTP edge', () => {
  let gateway: GatewayHarness;
  let reader: { id: string; apiKey: string };

  const lastUsedAt = async (clientId: string): Promise<Date | null> => {
    const rows = await queryDatabase<{ last_used_at: Date | null }>(
      gateway.database.url,
      'SELECT last_used_at FROM api_clients WHERE id = $1',
      [clientId],
    );
    return rows[0]?.last_used_at ?? null;
  };

  beforeAll(async () => {
    gateway = await startGateway();
    reader = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, [gateway.adminKey, reader.apiKey]);
    await gateway.close();
  });

  describe('deeply nested JSON', () => {
    const deep = `{"userId":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;

    it('is refused with 400 on every route that takes a body, with or without a key', async () => {
      const bodyRoutes = routeTable(gateway.app).filter((route) => route.method === 'POST');
      expect(bodyRoutes.length).toBeGreaterThan(8);
      for (const route of bodyRoutes) {
        const path = route.path.replace(/:[A-Za-z]+/g, UUID);
        for (const client of [gateway.admin, gateway.http]) {
          const answer = await client.post(path, undefined, { rawBody: deep });
          expect({ route: path, status: answer.status }).toEqual({ route: path, status: 400 });
          expectValidationProblem(answer, 'body');
        }
      }
    });

    it('still accepts ordinary nesting', async () => {
      const answer = await gateway.admin.post('/admin/clients', {
        name: 'nested-ok',
        team: 'growth',
        scopes: ['tokens:read'],
        providers: ['mesh'],
      });
      expect(answer.status).toBe(201);
    });
  });

  describe('NUL characters and unpaired surrogates', () => {
    it.each([
      [
        'a query value on /v1',
        () => gateway.http.get('/v1/credentials?userId=a%00b', { key: reader.apiKey }),
        'query.userId',
      ],
      [
        'a query value on /admin',
        () => gateway.admin.get('/admin/credentials?team=%00'),
        'query.team',
      ],
      ['a path parameter', () => gateway.admin.delete('/v1/users/a%00b'), 'path.userId'],
      [
        'a body string',
        () =>
          gateway.admin.post('/admin/clients', {
            name: '\u0000',
            team: 't',
            scopes: ['admin'],
            providers: [],
          }),
        'body.name',
      ],
      ['a body key', () => gateway.admin.post('/admin/clients', { 'na\u0000me': 'x' }), 'body'],
      [
        'a string deep in an array',
        () =>
          gateway.admin.post('/admin/clients', {
            name: 'x',
            team: 't',
            scopes: ['ad\u0000min'],
            providers: [],
          }),
        'body.scopes[0]',
      ],
      [
        // Postgres would store U+FFFD in its place: a value other than the one used.
        'a body string holding an unpaired surrogate',
        () =>
          gateway.admin.post('/admin/clients', {
            name: 'lone \ud800 surrogate',
            team: 't',
            scopes: ['admin'],
            providers: [],
          }),
        'body.name',
      ],
    ])('in %s is refused with 400 and stores nothing', async (_label, send, field) => {
      const before = await queryDatabase<{ count: string }>(
        gateway.database.url,
        'SELECT count(*) FROM api_clients',
      );
      expectValidationProblem(await send(), field);
      const after = await queryDatabase<{ count: string }>(
        gateway.database.url,
        'SELECT count(*) FROM api_clients',
      );
      expect(after).toEqual(before);
    });

    it('is refused before authentication too (no key)', async () => {
      expectValidationProblem(await gateway.http.get('/v1/credentials?userId=%00'), 'query.userId');
    });
  });

  describe('loose numbers and cursors', () => {
    it.each(['0x10', '1e1', '16.0', '+16', ' 16', '016x', '0b1'])(
      'refuses ?limit=%s rather than reading a number out of it',
      async (limit) => {
        expectValidationProblem(
          await gateway.admin.get(`/admin/clients?limit=${encodeURIComponent(limit)}`),
          'limit',
        );
      },
    );

    it('accepts a plain decimal limit', async () => {
      const answer = await gateway.admin.get('/admin/clients?limit=16');
      expect(answer.status).toBe(200);
    });

    it('refuses a non-decimal expiringWithinSeconds', async () => {
      expectValidationProblem(
        await gateway.admin.get('/admin/credentials?expiringWithinSeconds=0x10'),
        'expiringWithinSeconds',
      );
    });

    it.each([
      ['a NUL inside its date', cursorOf('2024-01-01T00:00:00.000Z\u0000')],
      ['garbage after its date', cursorOf('2024-01-01T00:00:00.000Zjunk')],
      ['a date in another format', cursorOf('Mon, 01 Jan 2024 00:00:00 GMT')],
      ['a number for its date', cursorOf(0)],
      [
        'a third element',
        Buffer.from(JSON.stringify(['2024-01-01T00:00:00.000Z', UUID, 1])).toString('base64url'),
      ],
      ['trailing junk after a real cursor', `${cursorOf('2024-01-01T00:00:00.000Z')}!!`],
    ])('refuses a cursor with %s instead of restarting at page one', async (_label, cursor) => {
      expectValidationProblem(
        await gateway.admin.get(`/admin/clients?cursor=${encodeURIComponent(cursor)}`),
        'cursor',
      );
    });

    it('follows a cursor the API issued', async () => {
      const first = await gateway.admin.get('/admin/clients?limit=1');
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await gateway.admin.get(
        `/admin/clients?limit=1&cursor=${first.body.nextCursor}`,
      );
      expect(second.status).toBe(200);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    });
  });

  describe('refused requests change nothing', () => {
    it('does not record a key as used when its request is refused', async () => {
      const fresh = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
      const key = { key: fresh.apiKey };
      expect((await gateway.http.get('/admin/clients', key)).status).toBe(403);
      expect((await gateway.http.get('/v1/credentials?limit=0', key)).status).toBe(400);
      expect((await gateway.http.get(`/v1/credentials/${UUID}/token`, key)).status).toBe(404);
      // A permitted request afterwards is recorded, so the reads above had their chance.
      expect((await gateway.http.get('/v1/credentials', key)).status).toBe(200);
      await waitFor(
        'last_used_at to be written',
        async () => (await lastUsedAt(fresh.id)) !== null,
      );
      const before = await lastUsedAt(fresh.id);
      expect(before).not.toBeNull();
    });

    it('leaves last_used_at null after only refused requests', async () => {
      const fresh = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
      expect((await gateway.http.get('/admin/clients', { key: fresh.apiKey })).status).toBe(403);
      // Nothing to wait for: the write, were there one, follows the lookup. A permitted
      // request by another key shows that writes do land meanwhile.
      expect((await gateway.http.get('/v1/credentials', { key: reader.apiKey })).status).toBe(200);
      await waitFor(
        'the reader to be recorded',
        async () => (await lastUsedAt(reader.id)) !== null,
      );
      expect(await lastUsedAt(fresh.id)).toBeNull();
    });
  });

  describe('security headers', () => {
    it.each([
      ['a JSON answer', '/health/live'],
      ['a problem answer', '/v1/credentials'],
      ['an unknown route', '/nothing-here'],
      ['the metrics', '/metrics'],
    ])('are on %s', async (_label, path) => {
      const answer = await gateway.http.get(path);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(answer.headers.get('cache-control')).toBe('no-store');
      // Not production: no HSTS on a plain-HTTP development server.
      expect(answer.headers.get('strict-transport-security')).toBeNull();
    });

    it('keep the Swagger UI working under its own policy', async () => {
      const page = await gateway.http.get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        const url = new URL(script ?? '', `${gateway.baseUrl}/docs`);
        const asset = await fetch(url);
        // Read to the end: an unread 1 MB bundle keeps the connection busy past close().
        await asset.arrayBuffer();
        expect(asset.status).toBe(200);
      }
      // No inline script: a script-src without 'unsafe-inline' would block it.
      expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    });
  });
});
