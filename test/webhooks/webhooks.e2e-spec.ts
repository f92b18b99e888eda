import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  seedCredential,
  startGateway,
  waitFor,
  WebhookReceiver,
} from '@keyhouse/testing';

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastResponseStatus: number | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

/** Webhook endpoints and signed deliveries, against a real receiver on loopback. */
describe('webhooks', () => {
  let gateway: GatewayHarness;
  let growth: HttpClient;
  let rival: HttpClient;
  let readOnly: HttpClient;
  const receiver = new WebhookReceiver();
  const secrets = new Set<string>();

  const register = async (body: Record<string, unknown>, client = growth) => {
    const answer = await client.post('/v1/webhooks', body);
    expect(answer.status).toBe(201);
    secrets.add(answer.body.secret);
    return answer.body as { id: string; secret: string; url: string; events: string[] };
  };

  const deliveriesOf = async (webhookId: string): Promise<Delivery[]> => {
    const answer = await growth.get(`/v1/webhooks/${webhookId}/deliveries`);
    expect(answer.status).toBe(200);
    return answer.body.items;
  };

  const sendTest = async (webhookId: string): Promise<string> => {
    const answer = await growth.post(`/v1/webhooks/${webhookId}/test`);
    expect(answer.status).toBe(202);
    return answer.body.eventId;
  };

  beforeAll(async () => {
    await receiver.start();
    gateway = await startGateway({
      env: {
        REFRESH_ENABLED: 'true',
        WEBHOOK_INTERVAL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_TIMEOUT_MS: '1000',
      },
    });
    secrets.add(gateway.adminKey);
    const make = async (team: string, scopes: string[]) => {
      const { apiKey } = await createClient(gateway, { team, scopes });
      secrets.add(apiKey);
      return new HttpClient(gateway.baseUrl, apiKey);
    };
    growth = await make('growth', ['webhooks:write', 'events:read']);
    rival = await make('rival', ['webhooks:write']);
    readOnly = await make('growth', ['events:read']);
  });

  afterAll(async () => {
    await gateway.close();
    await receiver.stop();
    expectNoSecretsInLogs(gateway.logs, secrets);
  });

  it('registers an endpoint with a secret shown once, and keeps it to its team', async () => {
    const created = await register({
      url: receiver.url,
      events: ['credential.needs_reauth'],
      description: 'ops',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);

    const fetched = await growth.get(`/v1/webhooks/${created.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({
      id: created.id,
      url: receiver.url,
      events: ['credential.needs_reauth'],
      description: 'ops',
      enabled: true,
    });
    expect(fetched.text).not.toContain(created.secret);
    expect(
      (await growth.get('/v1/webhooks')).body.items.map((item: { id: string }) => item.id),
    ).toContain(created.id);
    const stored = JSON.stringify(
      await queryDatabase(gateway.database.url, `SELECT * FROM webhook_endpoints`),
    );
    expect(stored).not.toContain(created.secret.slice(6));

    // Another team's endpoint does not exist for them.
    for (const [method, path] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/rotate-secret'],
      ['POST', '/test'],
      ['GET', '/deliveries'],
    ] as const) {
      const answer = await rival.request(method, `/v1/webhooks/${created.id}${path}`, {
        body: method === 'PATCH' ? { enabled: false } : undefined,
      });
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('not_found');
    }
    expect((await rival.get('/v1/webhooks')).body.items).toEqual([]);
    expect((await readOnly.get('/v1/webhooks')).status).toBe(403);
  });

  it('refuses bad input with 400 and changes nothing', async () => {
    for (const body of [
      {},
      { url: receiver.url },
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['credential.exploded'] },
      { url: receiver.url, events: ['*', 'credential.created'] },
      { url: 'ftp://127.0.0.1/x', events: ['*'] },
      { url: 'not a url', events: ['*'] },
      { url: 'http://user:pass@127.0.0.1/x', events: ['*'] },
      { url: receiver.url, events: ['*'], secret: 'mine' },
    ]) {
      const answer = await growth.post('/v1/webhooks', body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
    }
    expect((await growth.get('/v1/webhooks/not-a-uuid')).status).toBe(400);
  });

  it('delivers signed events the receiver verifies with the standardwebhooks package', async () => {
    const webhook = await register({ url: receiver.url, events: ['credential.created'] });
    receiver.secrets = [webhook.secret];
    const credential = await seedCredential(gateway, { team: 'growth', userId: 'erin' });
    // The feed shows an event once no older writing transaction is still open on the server
    // (its commit-order rule), so it is waited for, not read once.
    const event = await waitFor('the created event in the feed', async () =>
      (await growth.get('/v1/events?types=credential.created')).body.items.find(
        (item: { data: { id: string } }) => item.data.id === credential.id,
      ),
    );
    const received = await waitFor('the delivery', () => receiver.deliveriesOf(event.id)[0]);
    expect(received.verifiedWith).toEqual([0]);
    expect(JSON.parse(received.body)).toEqual(event);
    expect(Number(received.timestamp)).toBeGreaterThan(Date.now() / 1_000 - 60);

    const deliveries = await waitFor('the delivery to show succeeded', async () => {
      const items = await deliveriesOf(webhook.id);
      return items[0]?.status === 'succeeded' && items;
    });
    expect(deliveries).toEqual([
      {
        id: expect.any(String),
        eventId: event.id,
        eventType: 'credential.created',
        status: 'succeeded',
        attempts: 1,
        lastResponseStatus: 200,
        lastAttemptAt: expect.any(String),
        nextAttemptAt: null,
      },
    ]);
    // Another team's events never reach this endpoint.
    await seedCredential(gateway, { team: 'rival', userId: 'erin' });
    const test = await sendTest(webhook.id);
    await waitFor('the test event', () => receiver.deliveriesOf(test)[0]);
    expect((await deliveriesOf(webhook.id)).map((item) => item.eventType).sort()).toEqual([
      'credential.created',
      'webhook.test',
    ]);
    await growth.delete(`/v1/webhooks/${webhook.id}`);
  });

  it('retries through the receiver being down, with the same webhook-id, then delivers', async () => {
    const webhook = await register({ url: receiver.url, events: ['*'] });
    receiver.secrets = [webhook.secret];
    receiver.mode = { kind: 'status', status: 503 };
    const eventId = await sendTest(webhook.id);
    await waitFor('two refused attempts', () => receiver.deliveriesOf(eventId).length >= 2);
    await receiver.stop();
    await waitFor('an attempt while the receiver is down', async () => {
      const [delivery] = await deliveriesOf(webhook.id);
      return delivery && delivery.attempts >= 3 && delivery.lastResponseStatus === null;
    });
    receiver.mode = { kind: 'ok' };
    await receiver.start();
    const done = await waitFor('the delivery to succeed', async () => {
      const [delivery] = await deliveriesOf(webhook.id);
      return delivery?.status === 'succeeded' && delivery;
    });
    expect(done.attempts).toBeGreaterThanOrEqual(3);
    const received = receiver.deliveriesOf(eventId);
    expect(received.every((delivery) => delivery.id === eventId)).toBe(true);
    expect(received.every((delivery) => delivery.verifiedWith.length === 1)).toBe(true);
    expect(received.filter((delivery) => delivery.receivedAt > 0)).toHaveLength(received.length);
    await growth.delete(`/v1/webhooks/${webhook.id}`);
  });

  it('gives up after the retry window and marks the delivery failed', async () => {
    const short = await startGateway({
      database: gateway.database,
      env: {
        REFRESH_ENABLED: 'true',
        WEBHOOK_INTERVAL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '200',
        WEBHOOK_RETRY_WINDOW_SECONDS: '1',
      },
    });
    try {
      const webhook = await register({ url: receiver.url, events: ['*'] });
      receiver.mode = { kind: 'status', status: 500 };
      await sendTest(webhook.id);
      // The give-up is decided by whichever process claims an attempt, by its own window: the
      // main gateway (24 h window) keeps retrying until the short one claims an attempt.
      const failed = await waitFor(
        'the delivery to fail for good',
        async () => {
          const [delivery] = await deliveriesOf(webhook.id);
          return delivery?.status === 'failed' && delivery;
        },
        { timeoutMs: 90_000, intervalMs: 100 },
      );
      expect(failed).toMatchObject({ lastResponseStatus: 500, nextAttemptAt: null });
      const admin = await gateway.admin.get('/admin/webhooks?team=growth');
      expect(admin.status).toBe(200);
      const row = admin.body.items.find((item: { id: string }) => item.id === webhook.id);
      expect(row).toMatchObject({ team: 'growth', health: { failed: 1, pending: 0 } });
      expect(admin.text).not.toContain(webhook.secret);
      await growth.delete(`/v1/webhooks/${webhook.id}`);
    } finally {
      receiver.mode = { kind: 'ok' };
      await short.close();
    }
  }, 120_000);

  it('signs with both secrets during a rotation: the receiver verifies with either', async () => {
    const webhook = await register({ url: receiver.url, events: ['*'] });
    const rotated = await growth.post(`/v1/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const next = rotated.body.secret as string;
    secrets.add(next);
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(webhook.secret);
    expect((await growth.get(`/v1/webhooks/${webhook.id}`)).body.previousSecretExpiresAt).toEqual(
      expect.any(String),
    );

    receiver.secrets = [webhook.secret, next];
    const eventId = await sendTest(webhook.id);
    const received = await waitFor('the rotated delivery', () => receiver.deliveriesOf(eventId)[0]);
    expect(received.signature.split(' ')).toHaveLength(2);
    expect(received.verifiedWith).toEqual([0, 1]);

    // A receiver that knows only one of them still verifies.
    receiver.secrets = [next];
    const again = await sendTest(webhook.id);
    expect(
      (await waitFor('the second delivery', () => receiver.deliveriesOf(again)[0])).verifiedWith,
    ).toEqual([0]);
  });

  it('admin view: needs the admin scope and refuses bad queries', async () => {
    expect((await growth.get('/admin/webhooks')).status).toBe(403);
    expect((await gateway.admin.get('/admin/webhooks?limit=0')).status).toBe(400);
    expect((await gateway.admin.get('/admin/webhooks?cursor=nope')).status).toBe(400);
    expect((await gateway.admin.get('/admin/webhooks?bogus=1')).status).toBe(400);
    const all = await gateway.admin.get('/admin/webhooks');
    expect(all.status).toBe(200);
    expect(all.body.items.every((item: { health: object }) => 'pending' in item.health)).toBe(true);
  });

  it('pauses a disabled endpoint and updates its URL and events', async () => {
    const webhook = await register({ url: receiver.url, events: ['*'] });
    const paused = await growth.request('PATCH', `/v1/webhooks/${webhook.id}`, {
      body: { enabled: false, events: ['credential.expired'], description: 'later' },
    });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({
      enabled: false,
      events: ['credential.expired'],
      description: 'later',
    });
    expect((await growth.post(`/v1/webhooks/${webhook.id}/test`)).status).toBe(409);
    const bad = await growth.request('PATCH', `/v1/webhooks/${webhook.id}`, {
      body: { url: 'gopher://x' },
    });
    expect(bad.status).toBe(400);
    expect((await growth.get(`/v1/webhooks/${webhook.id}`)).body.url).toBe(receiver.url);
    expect((await growth.delete(`/v1/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await growth.get(`/v1/webhooks/${webhook.id}`)).status).toBe(404);
  });
});
