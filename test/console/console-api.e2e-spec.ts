import { FakeMesh } from '@keyhouse/sandbox';
import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
} from '@keyhouse/testing';

const MESH = { MESH_CLIENT_ID: 'mesh-client', MESH_CLIENT_SECRET: 'mesh-secret-api-654' };
const STORED_MESH_SECRET = 'mesh-secret-stored-through-the-console-777';

describe('console session, CSRF and admin API forwarding (no browser)', () => {
  const mesh = new FakeMesh({
    clientId: MESH.MESH_CLIENT_ID,
    clientSecret: MESH.MESH_CLIENT_SECRET,
  });
  const secrets = new Set<string>([MESH.MESH_CLIENT_SECRET, STORED_MESH_SECRET]);
  let gateway: GatewayHarness;
  let teamKey: string;
  let team: HttpClient;

  const signIn = async (key = gateway.adminKey) => {
    const answer = await gateway.http.post('/console/session', { apiKey: key });
    expect(answer.status).toBe(201);
    const cookie = answer.headers.get('set-cookie')!.split(';')[0];
    return { cookie, csrfToken: answer.body.csrfToken as string, answer };
  };
  const connectMesh = async (userId: string) => {
    const payload = mesh.connectAccount({ accounts: 1, refreshedExpiresInSeconds: 3_600 });
    const token = payload.accountTokens[0];
    secrets.add(token.accessToken).add(token.refreshToken!);
    const stored = await team.post('/v1/mesh/connections', { userId, payload });
    expect(stored.status).toBe(201);
    return { id: stored.body.items[0].id as string, refreshToken: token.refreshToken! };
  };

  beforeAll(async () => {
    gateway = await startGateway({ env: { ...MESH, MESH_BASE_URL: await mesh.start() } });
    secrets.add(gateway.adminKey);
    teamKey = (await createClient(gateway, { team: 'growth', providers: ['mesh'] })).apiKey;
    secrets.add(teamKey);
    team = new HttpClient(gateway.baseUrl, teamKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
    await mesh.stop();
  });

  it('answers 401 problem+json on every console API route without a session', async () => {
    for (const [method, path] of [
      ['GET', '/console/session'],
      ['DELETE', '/console/session'],
      ['GET', '/console/api/clients'],
      ['POST', '/console/api/clients'],
      ['POST', '/console/api/vault/rotate'],
      ['GET', '/console/api/integrations'],
      ['PATCH', '/console/api/integrations/00000000-0000-4000-8000-000000000000'],
      ['DELETE', '/console/api/credentials/00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const answer = await gateway.http.request(method, path, {
        body: method === 'POST' || method === 'PATCH' ? {} : undefined,
        headers: { cookie: 'keyhouse_console=not-a-session' },
      });
      expect({ path, status: answer.status, code: answer.body.code }).toEqual({
        path,
        status: 401,
        code: 'unauthenticated',
      });
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('signs in only with an admin key; the answer sets an HttpOnly SameSite=Strict cookie and holds no key', async () => {
    expect((await gateway.http.post('/console/session', {})).status).toBe(400);
    expect((await gateway.http.post('/console/session', { apiKey: 42 })).status).toBe(400);
    const unknown = await gateway.http.post('/console/session', {
      apiKey: `kh_live_${'A'.repeat(43)}`,
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toContain('unknown');
    const teamAttempt = await gateway.http.post('/console/session', { apiKey: teamKey });
    expect(teamAttempt.status).toBe(403);
    expect(teamAttempt.body.detail).toContain('admin');
    expect(teamAttempt.headers.get('set-cookie')).toBeNull();

    const { answer } = await signIn();
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^keyhouse_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=28800$/,
    );
    expect(answer.text).not.toContain(gateway.adminKey);
    expect(cookie).not.toContain(gateway.adminKey);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('forwards to the admin API with the same answers and the same audit trail', async () => {
    const { cookie, csrfToken } = await signIn();
    const viaConsole = await gateway.http.get('/console/api/clients?limit=200', {
      headers: { cookie },
    });
    const direct = await gateway.admin.get('/admin/clients?limit=200');
    expect(viaConsole.status).toBe(200);
    expect(viaConsole.body).toEqual(direct.body);
    expect(viaConsole.headers.get('cache-control')).toBe('no-store');

    const invalid = await gateway.http.post(
      '/console/api/clients',
      { name: 'x' },
      { headers: { cookie, 'x-csrf-token': csrfToken } },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('validation_failed');

    const created = await gateway.http.post(
      '/console/api/clients',
      { name: 'from-console', team: 'ops', scopes: ['tokens:read'], providers: ['*'] },
      { headers: { cookie, 'x-csrf-token': csrfToken } },
    );
    expect(created.status).toBe(201);
    secrets.add(created.body.apiKey);
    const audit = await gateway.admin.get('/admin/audit?action=client.created&limit=1');
    expect(audit.body.items[0]).toMatchObject({
      targetClientId: created.body.id,
      actor: { kind: 'client', name: 'bootstrap-admin' },
    });
  });

  it('forwards integrations: created, changed, checked and deleted as the admin, never answering a secret', async () => {
    const { cookie, csrfToken } = await signIn();
    const write = { cookie, 'x-csrf-token': csrfToken };
    const providers = await gateway.http.get('/console/api/integrations/providers', {
      headers: { cookie },
    });
    expect(providers.status).toBe(200);
    expect(providers.body).toEqual((await gateway.admin.get('/admin/integrations/providers')).body);

    const created = await gateway.http.post(
      '/console/api/integrations',
      {
        provider: 'mesh',
        name: 'ops mesh',
        teams: ['ops'],
        settings: { baseUrl: mesh.baseUrl, clientId: MESH.MESH_CLIENT_ID },
        secrets: { clientSecret: STORED_MESH_SECRET },
      },
      { headers: write },
    );
    expect(created.status).toBe(201);
    expect(created.body.secretFields).toEqual(['clientSecret']);
    const id: string = created.body.id;
    const listed = await gateway.http.get('/console/api/integrations', { headers: { cookie } });
    expect(listed.body).toEqual((await gateway.admin.get('/admin/integrations')).body);

    // Without the token nothing changes; with it the change is the admin's, in the audit trail.
    const forged = await gateway.http.request('PATCH', `/console/api/integrations/${id}`, {
      body: { name: 'renamed' },
      headers: { cookie },
    });
    expect(forged.status).toBe(403);
    expect((await gateway.admin.get(`/admin/integrations/${id}`)).body.name).toBe('ops mesh');
    const renamed = await gateway.http.request('PATCH', `/console/api/integrations/${id}`, {
      body: { name: 'renamed' },
      headers: write,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('renamed');
    const checked = await gateway.http.post(`/console/api/integrations/${id}/check`, undefined, {
      headers: write,
    });
    expect(checked.status).toBe(200);
    // The fake knows only the environment's secret, so the stored one is refused upstream.
    expect(checked.body).toMatchObject({ ok: false, code: 'upstream_misconfigured' });
    const removed = await gateway.http.delete(`/console/api/integrations/${id}`, {
      headers: write,
    });
    expect(removed.status).toBe(204);

    for (const answer of [created, listed, renamed, checked]) {
      expect(answer.text).not.toContain(STORED_MESH_SECRET);
    }
    const trail = await gateway.admin.get('/admin/audit?limit=50');
    const events = trail.body.items.filter((event: any) => event.action.startsWith('integration.'));
    expect(events.map((event: any) => event.action).sort()).toEqual([
      'integration.checked',
      'integration.created',
      'integration.deleted',
      'integration.updated',
    ]);
    for (const event of events) {
      expect(event.actor).toMatchObject({ kind: 'client', name: 'bootstrap-admin' });
    }
  });

  it('refuses forwarding outside /admin, cross-site writes and writes without the CSRF token', async () => {
    const { cookie, csrfToken } = await signIn();
    for (const path of [
      '/console/api/..%2f..%2fv1%2fcredentials',
      '/console/api/clients/..',
      '/console/api/a//b',
    ]) {
      const answer = await gateway.http.get(path, { headers: { cookie } });
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
    }
    for (const site of ['cross-site', 'same-site']) {
      const foreign = await gateway.http.post('/console/api/vault/rotate', undefined, {
        headers: { cookie, 'x-csrf-token': csrfToken, 'sec-fetch-site': site },
      });
      expect({ site, status: foreign.status }).toEqual({ site, status: 403 });
    }
    const noToken = await gateway.http.delete('/console/session', { headers: { cookie } });
    expect(noToken.status).toBe(403);
    expect((await gateway.http.get('/console/session', { headers: { cookie } })).status).toBe(200);
  });

  it('ends the session when its key is deleted, and on sign-out', async () => {
    const extra = await createClient(gateway, {
      team: 'operators',
      scopes: ['admin'],
      name: 'second-admin',
    });
    secrets.add(extra.apiKey);
    const first = await signIn(extra.apiKey);
    await gateway.admin.delete(`/admin/clients/${extra.id}`);
    expect(
      (await gateway.http.get('/console/api/clients', { headers: { cookie: first.cookie } }))
        .status,
    ).toBe(401);
    expect(
      (await gateway.http.get('/console/session', { headers: { cookie: first.cookie } })).status,
    ).toBe(401);

    const second = await signIn();
    const out = await gateway.http.delete('/console/session', {
      headers: { cookie: second.cookie, 'x-csrf-token': second.csrfToken },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(
      (await gateway.http.get('/console/session', { headers: { cookie: second.cookie } })).status,
    ).toBe(401);
  });

  it('serves the page shell and assets under a strict CSP, with no inline script', async () => {
    for (const path of ['/console', '/console/credentials/abc', '/console/vault']) {
      const page = await gateway.http.get(path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(page.text).not.toMatch(/\sstyle=|\son[a-z]+=/);
    }
    const script = await gateway.http.get('/console/assets/console.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(
      (await gateway.http.get('/console/assets/console.css')).headers.get('content-type'),
    ).toContain('text/css');
    expect((await gateway.http.get('/console/assets/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await gateway.http.get('/console/assets/nope.js')).status).toBe(404);
  });

  describe('GET /admin/refresh/history', () => {
    it('is admin only and validates hours', async () => {
      expect((await team.get('/admin/refresh/history')).status).toBe(403);
      for (const hours of ['0', '25', 'two']) {
        const answer = await gateway.admin.get(`/admin/refresh/history?hours=${hours}`);
        expect({ hours, status: answer.status }).toEqual({ hours, status: 400 });
      }
      const answer = await gateway.admin.get('/admin/refresh/history?hours=2');
      expect(answer.status).toBe(200);
      expect(answer.body.bucketSeconds).toBe(60);
      expect(answer.body.buckets).toHaveLength(120);
    });

    it('counts refresh outcomes per minute and how late a due refresh ran', async () => {
      const late = await connectMesh('late-user');
      await queryDatabase(
        gateway.database.url,
        `UPDATE credentials SET refresh_at = now() - interval '90 seconds' WHERE id = $1`,
        [late.id],
      );
      expect((await gateway.admin.post(`/admin/credentials/${late.id}/refresh`)).status).toBe(200);
      const broken = await connectMesh('broken-user');
      mesh.revokeRefreshToken(broken.refreshToken);
      expect((await gateway.admin.post(`/admin/credentials/${broken.id}/refresh`)).status).toBe(
        424,
      );

      const history = await gateway.admin.get('/admin/refresh/history?hours=1');
      const totals = history.body.buckets.reduce(
        (sum: any, bucket: any) => ({
          succeeded: sum.succeeded + bucket.succeeded,
          failed: sum.failed + bucket.failed,
          worst: Math.max(sum.worst, bucket.latenessMaxSeconds ?? 0),
        }),
        { succeeded: 0, failed: 0, worst: 0 },
      );
      expect(totals.succeeded).toBeGreaterThanOrEqual(1);
      expect(totals.failed).toBe(1);
      expect(totals.worst).toBeGreaterThanOrEqual(90);
      expect(totals.worst).toBeLessThan(150);
    });
  });
});
