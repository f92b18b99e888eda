import { environmentIntegrationId } from '@keyhouse/integrations';
import { FakeMesh, FakeStreamChat } from '@keyhouse/sandbox';
import {
  createClient,
  createTestDatabase,
  expectNoSecretsExposed,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  launchChromium,
  openPage,
  type RecordedPage,
  screenshot,
  serveForeignPage,
  seedCredential,
  startGateway,
  TEST_ROTATED_KEYRING,
  TEST_VAULT_KEY_A,
  TEST_VAULT_KEY_B,
  type TestDatabase,
  waitFor,
  WebhookReceiver,
} from '@keyhouse/testing';
import type { Browser, Page } from 'playwright-core';

const MESH = { MESH_CLIENT_ID: 'mesh-client', MESH_CLIENT_SECRET: 'mesh-secret-console-789' };
const SEEDED = 150;
const CHAT_SECRET = 'chat-secret-console-right-0123456789';
const WRONG_CHAT_SECRET = 'chat-secret-console-wrong-9876543210';

describe('web console in Chromium', () => {
  const mesh = new FakeMesh({
    clientId: MESH.MESH_CLIENT_ID,
    clientSecret: MESH.MESH_CLIENT_SECRET,
  });
  const chat = new FakeStreamChat({ apiKey: 'console-chat-key', apiSecret: CHAT_SECRET });
  const secrets = new Set<string>([
    MESH.MESH_CLIENT_SECRET,
    TEST_VAULT_KEY_A,
    TEST_VAULT_KEY_B,
    CHAT_SECRET,
    WRONG_CHAT_SECRET,
  ]);
  /** Keys the console showed once, with the one answer allowed to carry each. */
  const shownOnce = new Map<string, string>();
  const pages: RecordedPage[] = [];
  const receivers: WebhookReceiver[] = [];
  let database: TestDatabase;
  let gateway: GatewayHarness;
  let browser: Browser;
  let teamKey: string;
  let meshCredentialId: string;

  const open = async (): Promise<Page> => {
    const recorded = await openPage(browser);
    pages.push(recorded);
    return recorded.page;
  };
  const signIn = async (page: Page, key: string) => {
    await page.goto(`${gateway.baseUrl}/console`);
    await page.getByLabel('Admin API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const confirm = (page: Page, label: string) =>
    page.getByTestId('confirm-dialog').getByRole('button', { name: label }).click();

  beforeAll(async () => {
    database = await createTestDatabase();
    // Credentials wrapped by key A, so the console has a rotation to run under key B.
    const before = await startGateway({ database, env: { VAULT_KEYS: TEST_VAULT_KEY_A } });
    for (let index = 0; index < SEEDED; index++) {
      const provider = ['mesh', 'tpa-stream', 'stream-chat'][index % 3];
      await seedCredential(before, {
        team: `team-${index % 4}`,
        provider,
        userId: `seed-${index}`,
      });
    }
    await before.close();
    gateway = await startGateway({
      database,
      env: {
        ...MESH,
        MESH_BASE_URL: await mesh.start(),
        ...TEST_ROTATED_KEYRING,
        // The scheduler sends webhooks too. Credentials live an hour, so none falls due during
        // the test; test deliveries go out within a tick, a failed one waits 30 s to retry.
        REFRESH_ENABLED: 'true',
        WEBHOOK_INTERVAL_MS: '100',
      },
    });
    secrets.add(gateway.adminKey);
    const team = await createClient(gateway, { team: 'growth', providers: ['mesh'] });
    teamKey = team.apiKey;
    secrets.add(teamKey);
    const payload = mesh.connectAccount({ accounts: 1, refreshedExpiresInSeconds: 3_600 });
    const token = payload.accountTokens[0];
    secrets.add(token.accessToken).add(token.refreshToken!);
    const stored = await new HttpClient(gateway.baseUrl, teamKey).post('/v1/mesh/connections', {
      userId: 'ada',
      payload,
    });
    expect(stored.status).toBe(201);
    meshCredentialId = stored.body.items[0].id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    try {
      for (const recorded of pages) {
        await recorded.settle();
      }
      const exposures = pages.flatMap((recorded) => recorded.exposures);
      expect(exposures.length).toBeGreaterThan(20);
      expectNoSecretsExposed(exposures, secrets, shownOnce);
      // No script error and no CSP violation on any page.
      expect(pages.flatMap((recorded) => recorded.problems)).toEqual([]);
      expectNoSecretsInLogs(gateway.logs, secrets);
    } finally {
      await browser?.close();
      await gateway?.close();
      for (const receiver of receivers) {
        await receiver.stop();
      }
      await chat.stop();
      await mesh.stop();
      await database?.drop();
    }
  });

  it('signs in with an admin key: an HttpOnly, SameSite=Strict session cookie that expires, nothing in storage', async () => {
    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page
      .getByTestId('overview-cards')
      .getByText(String(SEEDED + 1))
      .waitFor();
    const [cookie, ...others] = await page.context().cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({
      name: 'keyhouse_console',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/console',
    });
    expect(cookie.expires).toBeGreaterThan(Date.now() / 1_000 + 3_600);
    expect(cookie.expires).toBeLessThan(Date.now() / 1_000 + 9 * 3_600);
    expect(cookie.value).not.toContain(gateway.adminKey);
    // A string, so it runs in the page (this file compiles without the DOM's types).
    const storage = await page.evaluate(
      '({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })',
    );
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
    expect(await page.content()).not.toContain(gateway.adminKey);
    await page.locator('canvas').first().waitFor();
    await screenshot(page, 'console-sign-in-overview');
  });

  it('refuses a team key and says what to use instead', async () => {
    const page = await open();
    await signIn(page, teamKey);
    await page.getByRole('alert').getByText('team key without the admin scope').waitFor();
    expect(await page.context().cookies()).toEqual([]);
    await screenshot(page, 'console-team-key-refused');
  });

  it('signs out: the session is gone on the server too', async () => {
    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const [cookie] = await page.context().cookies();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    expect(await page.context().cookies()).toEqual([]);
    // The old session id, replayed by hand, opens nothing.
    const replay = await gateway.http.get('/console/api/clients', {
      headers: { cookie: `keyhouse_console=${cookie.value}` },
    });
    expect(replay.status).toBe(401);
    await screenshot(page, 'console-signed-out');
  });

  it('refuses a state-changing request without the CSRF token, and changes nothing', async () => {
    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const before = (await gateway.admin.get('/admin/clients?limit=200')).body.items.length;
    const attempts = await page.evaluate(async () => {
      const body = JSON.stringify({
        name: 'csrf',
        team: 'evil',
        scopes: ['admin'],
        providers: ['*'],
      });
      const send = async (headers: Record<string, string>) => {
        const answer = await fetch('/console/api/clients', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
        return {
          status: answer.status,
          body: (await answer.json()) as { code: string; detail: string },
        };
      };
      return [await send({}), await send({ 'x-csrf-token': 'forged-token-value' })];
    });
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      expect(attempt.body.detail).toContain('x-csrf-token');
    }
    expect((await gateway.admin.get('/admin/clients?limit=200')).body.items).toHaveLength(before);

    // A page of another origin on the same host (so "same-site": the cookie goes along)
    // fires the write blind, as a CSRF attack would.
    const rotationsStarted = async () =>
      (await gateway.admin.get('/admin/audit?action=vault.rotation_started&limit=200')).body.items
        .length as number;
    const rotationsBefore = await rotationsStarted();
    const attacker = await serveForeignPage(csrfScript(gateway.baseUrl));
    try {
      // Every answer carries Cross-Origin-Resource-Policy: same-origin, so Chromium may not even
      // let the foreign page see it: each attempt is either refused with the status below or
      // blocked by the browser, and in both cases nothing changes on the server.
      const outcomes: Record<string, number | string> = {};
      const path = (url: string) => url.slice(gateway.baseUrl.length);
      page.on('response', (r) => {
        if (r.url().includes('/console/api/')) {
          outcomes[path(r.url())] = r.status();
        }
      });
      page.on('requestfailed', (r) => {
        if (r.url().includes('/console/api/')) {
          outcomes[path(r.url())] = r.failure()?.errorText ?? 'failed';
        }
      });
      await page.goto(attacker.url);
      await page.getByText('sent').waitFor();
      // A JSON body cannot be sent cross-origin without CORS, so a plain-text body is refused
      // as a content type; a bodiless POST reaches the console and lacks the token.
      expect(Object.keys(outcomes).sort()).toEqual([
        '/console/api/clients',
        '/console/api/vault/rotate',
      ]);
      const blocked = 'net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin';
      expect([415, blocked]).toContain(outcomes['/console/api/clients']);
      expect([403, blocked]).toContain(outcomes['/console/api/vault/rotate']);
    } finally {
      await attacker.close();
    }
    expect((await gateway.admin.get('/admin/clients?limit=200')).body.items).toHaveLength(before);
    expect(await rotationsStarted()).toBe(rotationsBefore);
    const rotations = await gateway.admin.get('/admin/audit?action=vault.rotation_started');
    expect(rotations.body.items).toEqual([]);
    await screenshot(page, 'console-csrf-refused');
  });

  it('creates a client and shows its key once, with a copy button', async () => {
    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('link', { name: 'Clients' }).click();
    const form = page.getByTestId('create-client');
    await form.getByLabel('Name').fill('reporting');
    await form.getByLabel('Team').fill('analytics');
    await form.getByLabel('tokens:read').check();
    const created = page.waitForResponse(
      (r) => r.url().endsWith('/console/api/clients') && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Create client' }).click();
    const answer = await created;
    expect(answer.status()).toBe(201);
    const apiKey = await page.getByTestId('new-key').inputValue();
    expect(apiKey).toMatch(/^kh_live_/);
    secrets.add(apiKey);
    shownOnce.set(apiKey, `POST ${answer.url()} 201`);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await page.getByTestId('clients-table').getByText('reporting').waitFor();
    await screenshot(page, 'console-client-created');
    // The key works, and after a reload it is nowhere on the page.
    expect((await new HttpClient(gateway.baseUrl, apiKey).get('/v1/credentials')).status).toBe(200);
    await page.reload();
    await page.getByTestId('clients-table').getByText('reporting').waitFor();
    expect(await page.content()).not.toContain(apiKey);
    await expect(page.getByTestId('new-key').count()).resolves.toBe(0);
  });

  it('filters credentials and the audit trail', async () => {
    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('link', { name: 'Credentials' }).click();
    const filters = page.getByTestId('credential-filters');
    await filters.getByLabel('Team').fill('growth');
    await filters.getByLabel('Provider').selectOption('mesh');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/team=growth/);
    const rows = page.getByTestId('credentials-table').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    await filters.getByLabel('Status').selectOption('revoked');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No credentials match').waitFor();

    await page.getByRole('link', { name: 'Audit' }).click();
    const audit = page.getByTestId('audit-filters');
    await audit.getByLabel('Action').selectOption('credential.stored');
    await audit.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=credential.stored/);
    const events = page.getByTestId('audit-table').locator('tbody tr');
    await events.first().waitFor();
    expect(await events.count()).toBe(100);
    await page.getByRole('button', { name: 'Load more' }).click();
    await events.nth(SEEDED).waitFor();
    expect(await events.count()).toBe(SEEDED + 1);
    await expect(page.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
    await screenshot(page, 'console-audit-filtered');
  });

  it('refreshes a credential after confirmation and its timeline grows', async () => {
    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goto(`${gateway.baseUrl}/console/credentials?provider=mesh&team=growth`);
    await page.getByTestId('credentials-table').getByRole('link').first().click();
    const timeline = page.getByTestId('timeline').locator('li');
    await timeline.first().waitFor();
    const before = await timeline.count();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await confirm(page, 'Refresh now');
    await page.getByRole('status').getByText('Refreshed.').waitFor();
    await page.locator('li[data-action="credential.refreshed"]').first().waitFor();
    expect(await timeline.count()).toBeGreaterThan(before);
    expect(page.url()).toContain(meshCredentialId);
    await screenshot(page, 'console-credential-refreshed');
  });

  it("shows each team's webhook endpoints and their delivery health, never a secret", async () => {
    const healthy = new WebhookReceiver();
    const broken = new WebhookReceiver();
    broken.mode = { kind: 'status', status: 500 };
    receivers.push(healthy, broken);
    const register = async (team: string, url: string, description: string) => {
      const key = (
        await createClient(gateway, { team, name: `${team}-hooks`, scopes: ['webhooks:write'] })
      ).apiKey;
      secrets.add(key);
      const api = new HttpClient(gateway.baseUrl, key);
      const created = await api.post('/v1/webhooks', {
        url,
        events: ['credential.needs_reauth', 'credential.revoked'],
        description,
      });
      expect(created.status).toBe(201);
      const secret: string = created.body.secret;
      expect(secret).toMatch(/^whsec_/);
      // The whole secret and its key part alone: neither may reach the browser.
      secrets.add(secret).add(secret.slice('whsec_'.length));
      return { api, id: created.body.id as string };
    };
    const growth = await register('growth', await healthy.start(), 'CRM sync');
    const paused = await register('growth', 'http://127.0.0.1:9/old', 'old receiver');
    const partners = await register('partners', await broken.start(), 'partner relay');
    const pause = await paused.api.request('PATCH', `/v1/webhooks/${paused.id}`, {
      body: { enabled: false },
    });
    expect(pause.status).toBe(200);
    expect((await growth.api.post(`/v1/webhooks/${growth.id}/test`)).status).toBe(202);
    expect((await partners.api.post(`/v1/webhooks/${partners.id}/test`)).status).toBe(202);
    const health = async () => {
      const answer = await gateway.admin.get('/admin/webhooks');
      expect(JSON.stringify(answer.body)).not.toMatch(/secret"|whsec_/);
      return new Map<string, any>(answer.body.items.map((item: any) => [item.id, item.health]));
    };
    await waitFor('both test deliveries attempted', async () => {
      const now = await health();
      return now.get(growth.id).succeeded === 1 && now.get(partners.id).lastFailedAt !== null;
    });

    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    const team = (name: string) => page.locator(`section[data-team="${name}"]`);
    const row = (id: string) =>
      page.locator('tr', { has: page.locator(`[data-webhook-id="${id}"]`) });
    await row(growth.id).getByText('healthy').waitFor();
    expect(await team('growth').locator('tbody tr').count()).toBe(2);
    await expect(row(growth.id).textContent()).resolves.toContain(healthy.url);
    await row(growth.id).getByText('CRM sync').waitFor();
    await row(paused.id).getByText('paused').waitFor();
    await row(paused.id).getByText('no deliveries yet').waitFor();
    await team('partners').getByText('retrying').waitFor();
    await row(growth.id).getByText('1 succeeded · 0 failed · 0 pending').waitFor();
    await row(partners.id).getByText('0 succeeded · 0 failed · 1 pending').waitFor();
    const colour = (id: string, status: string) =>
      row(id).locator(`.badge[data-status="${status}"]`).getAttribute('style');
    // The colours credential statuses use: green for success, amber for a retry.
    await expect(colour(growth.id, 'succeeded')).resolves.toContain('#1f9d55');
    await expect(colour(partners.id, 'retrying')).resolves.toContain('#d97706');
    await screenshot(page, 'console-webhooks');

    const filters = page.getByTestId('webhook-filters');
    await filters.getByLabel('Team').fill('partners');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/team=partners/);
    await row(partners.id).getByText('partner relay').waitFor();
    await expect(team('growth').count()).resolves.toBe(0);
    await filters.getByLabel('Team').fill('nobody');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No webhook endpoints for team nobody').waitFor();
    await page.getByText('POST /v1/webhooks').waitFor();
    await filters.getByLabel('Team').fill('x'.repeat(300));
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('alert').getByText('correct the filter').waitFor();
  });

  it('adds an integration with a secret it never shows, checks it, fixes the secret, deletes it', async () => {
    const chatUrl = await chat.start();
    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('link', { name: 'Integrations' }).click();
    const table = page.getByTestId('integrations-table');
    const row = (name: string) => table.locator('tbody tr', { hasText: name });
    // The environment's Mesh app: listed, checkable, not editable.
    const environment = row('environment');
    await environment.getByText('read-only').waitFor();
    await environment.getByText('clientSecret').waitFor();
    await expect(environment.getByRole('button', { name: 'Edit' }).count()).resolves.toBe(0);
    await environment.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('status').getByText('Check passed: mesh accepted the keys').waitFor();
    expect(
      await page.locator(`[data-integration-id="${environmentIntegrationId('mesh')}"]`).count(),
    ).toBe(1);

    const form = page.getByTestId('create-integration');
    await form.getByLabel('Provider').selectOption('stream-chat');
    await form.getByLabel('Name', { exact: true }).fill('partners chat');
    await form.getByLabel('Teams').fill('partners');
    await form.getByLabel('baseUrl').fill(chatUrl);
    await form.getByLabel('apiKey').fill('console-chat-key');
    const secretField = form.getByLabel('apiSecret');
    await expect(secretField.getAttribute('type')).resolves.toBe('password');
    await secretField.fill(WRONG_CHAT_SECRET);
    const created = page.waitForResponse(
      (r) => r.url().endsWith('/console/api/integrations') && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Add integration' }).click();
    expect((await created).status()).toBe(201);
    await page.getByRole('status').getByText('Added partners chat for partners').waitFor();
    const chatRow = row('partners chat');
    await chatRow.getByText('verbatim').waitFor();
    await chatRow.getByText(chatUrl).waitFor();
    await chatRow.getByText('apiSecret').waitFor();
    // Gone from the form once sent, and nowhere in the page or its fields.
    const typed = () =>
      page.evaluate("[...document.querySelectorAll('input')].map((i) => i.value).join('\\n')");
    await expect(typed()).resolves.not.toContain(WRONG_CHAT_SECRET);
    expect(await page.content()).not.toContain(WRONG_CHAT_SECRET);

    // The wrong secret: the check says what failed and what to do.
    await chatRow.getByRole('button', { name: 'Check' }).click();
    const failure = page.getByRole('alert');
    await failure.getByText('Check failed for partners chat').waitFor();
    await failure.getByText('replace it with Edit').waitFor();
    await screenshot(page, 'console-integration-check-failed');

    // Edit: the secret field starts empty; typing the right one replaces the stored one.
    await chatRow.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByTestId('edit-integration');
    await expect(edit.getByLabel('apiSecret').inputValue()).resolves.toBe('');
    await expect(edit.getByLabel('apiKey').inputValue()).resolves.toBe('console-chat-key');
    await edit.getByLabel('Teams').fill('partners, ops');
    await edit.getByLabel('User ids').selectOption('derived');
    await edit.getByLabel('apiSecret').fill(CHAT_SECRET);
    await screenshot(page, 'console-integration-edit');
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const patch = await saved;
    expect(patch.status()).toBe(200);
    expect(JSON.parse(patch.request().postData() ?? '{}')).toEqual({
      teams: ['partners', 'ops'],
      secrets: { apiSecret: CHAT_SECRET },
      userIds: 'derived',
    });
    await page.getByRole('status').getByText('Saved partners chat').waitFor();
    await expect(edit.count()).resolves.toBe(0);
    await row('partners chat').getByText('partners, ops').waitFor();
    await row('partners chat').getByText('derived per team').waitFor();
    await row('partners chat').getByRole('button', { name: 'Check' }).click();
    await page
      .getByRole('status')
      .getByText('Check passed: stream-chat accepted the keys')
      .waitFor();
    await expect(typed()).resolves.not.toContain(CHAT_SECRET);
    await screenshot(page, 'console-integrations');

    // A clash with the team of another stream-chat integration: the form says what to do.
    await form.getByLabel('Provider').selectOption('stream-chat');
    await form.getByLabel('Name', { exact: true }).fill('ops chat');
    await form.getByLabel('Teams').fill('ops');
    await form.getByLabel('apiKey').fill('other-key');
    await form.getByLabel('apiSecret').fill(WRONG_CHAT_SECRET);
    await form.getByRole('button', { name: 'Add integration' }).click();
    await form.getByRole('alert').getByText('edit the integration that serves them').waitFor();

    await row('partners chat').getByRole('button', { name: 'Delete' }).click();
    await confirm(page, 'Delete');
    await page.getByRole('status').getByText('Deleted partners chat.').waitFor();
    await expect(row('partners chat').count()).resolves.toBe(0);
    const trail = await gateway.admin.get('/admin/audit?limit=200');
    const chatEvents = trail.body.items.filter((event: any) => event.provider === 'stream-chat');
    expect(chatEvents.map((event: any) => event.action)).toEqual(
      expect.arrayContaining([
        'integration.created',
        'integration.checked',
        'integration.updated',
        'integration.deleted',
      ]),
    );
  });

  it('starts a vault rotation and watches it reach 100%', async () => {
    const page = await open();
    await signIn(page, gateway.adminKey);
    await page.getByRole('link', { name: 'Vault' }).click();
    await page.getByTestId('vault-keys').getByText('test-a').waitFor();
    expect(await page.getByTestId('rotation-percent').textContent()).not.toBe('100%');
    await page.getByTestId('start-rotation').click();
    await confirm(page, 'Start rotation');
    await page.getByTestId('rotation-percent').getByText('100%').waitFor();
    await page.getByTestId('rotation-state').getByText('Last rotation finished').waitFor();
    const keys = (await gateway.admin.get('/admin/vault/keys')).body;
    expect(keys.pendingRewrap).toBe(0);
    await screenshot(page, 'console-vault-rotated');
  });
});

/** Posts to the console from another origin without its CSRF token, then says "sent". */
function csrfScript(gatewayUrl: string): string {
  const post = (path: string, extra: string) =>
    `fetch(${JSON.stringify(`${gatewayUrl}${path}`)}, { method: 'POST', mode: 'no-cors', credentials: 'include'${extra} })`;
  return `Promise.allSettled([
    ${post('/console/api/clients', `, headers: { 'content-type': 'text/plain' }, body: '{"name":"csrf","team":"evil","scopes":["admin"],"providers":["*"]}'`)},
    ${post('/console/api/vault/rotate', '')},
  ]).then(() => { document.body.textContent = 'sent'; });`;
}
