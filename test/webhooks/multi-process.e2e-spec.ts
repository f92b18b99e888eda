import { randomBytes } from 'node:crypto';
import {
  AppProcess,
  createTestDatabase,
  HttpClient,
  queryDatabase,
  type TestDatabase,
  waitFor,
  WebhookReceiver,
} from '@keyhouse/testing';

const ADMIN_KEY = `webhooks-multi-admin-${randomBytes(24).toString('base64url')}`;

/**
 * Deliveries shared by several processes on one database, through leases alone: two
 * gateways and a worker never send the same attempt, and a SIGKILLed worker's deliveries
 * go out from another process once its lease has run out. (Built processes: `npm run build`.)
 */
describe('webhook delivery across processes', () => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  let processes: AppProcess[] = [];

  const environment = (overrides: Record<string, string> = {}) => ({
    DATABASE_URL: database.url,
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    SANDBOX: 'false',
    REFRESH_ENABLED: 'true',
    WEBHOOK_INTERVAL_MS: '50',
    WEBHOOK_RETRY_BASE_MS: '200',
    WEBHOOK_CONCURRENCY: '4',
    WEBHOOK_TIMEOUT_MS: '1000',
    ...overrides,
  });

  const start = async (app: 'gateway' | 'worker', overrides?: Record<string, string>) => {
    const process = await AppProcess.start(app, environment(overrides));
    processes.push(process);
    await process.waitUntilReady();
    return process;
  };

  /** A team client and one endpoint for every event, through `gateway`. */
  const setUp = async (gateway: AppProcess) => {
    const admin = new HttpClient(gateway.baseUrl, ADMIN_KEY);
    const client = await admin.post('/admin/clients', {
      name: 'hooks',
      team: 'growth',
      scopes: ['webhooks:write'],
      providers: ['*'],
    });
    expect(client.status).toBe(201);
    const team = new HttpClient(gateway.baseUrl, client.body.apiKey);
    const webhook = await team.post('/v1/webhooks', { url: receiver.url, events: ['*'] });
    expect(webhook.status).toBe(201);
    receiver.secrets = [webhook.body.secret];
    return { key: client.body.apiKey as string, webhookId: webhook.body.id as string };
  };

  const deliveries = () =>
    queryDatabase<{ event_id: string; status: string; attempts: number }>(
      database.url,
      `SELECT event_id, status, attempts FROM webhook_deliveries`,
    );

  beforeEach(async () => {
    database = await createTestDatabase();
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterEach(async () => {
    await Promise.all(processes.map((process) => process.stop('SIGKILL')));
    processes = [];
    await receiver.stop();
    await database.drop();
  });

  it('two gateways and a worker send each delivery once', async () => {
    const [first, second] = await Promise.all([
      start('gateway'),
      start('gateway'),
      start('worker'),
    ]);
    const { key, webhookId } = await setUp(first);
    const gateways = [first, second].map((gateway) => new HttpClient(gateway.baseUrl, key));
    const eventIds: string[] = [];
    for (let index = 0; index < 40; index++) {
      const answer = await gateways[index % 2].post(`/v1/webhooks/${webhookId}/test`);
      expect(answer.status).toBe(202);
      eventIds.push(answer.body.eventId);
    }
    await waitFor(
      'every delivery to succeed',
      async () => {
        const rows = await deliveries();
        return rows.length === 40 && rows.every((row) => row.status === 'succeeded');
      },
      { timeoutMs: 30_000 },
    );
    for (const eventId of eventIds) {
      const received = receiver.deliveriesOf(eventId);
      expect([eventId, received.length]).toEqual([eventId, 1]);
      expect(received[0].verifiedWith).toEqual([0]);
    }
    expect(receiver.received).toHaveLength(40);
    expect((await deliveries()).every((row) => row.attempts === 1)).toBe(true);
  });

  it("a SIGKILLed worker's attempts in flight are delivered by another process after its lease", async () => {
    // The gateway serves the API only; the worker alone sends, and the receiver holds its requests.
    const timeouts = { WEBHOOK_TIMEOUT_MS: '5000' };
    const gateway = await start('gateway', { REFRESH_ENABLED: 'false' });
    const worker = await start('worker', timeouts);
    const { key, webhookId } = await setUp(gateway);
    const team = new HttpClient(gateway.baseUrl, key);
    receiver.mode = { kind: 'hang' };
    const eventIds: string[] = [];
    for (let index = 0; index < 3; index++) {
      eventIds.push((await team.post(`/v1/webhooks/${webhookId}/test`)).body.eventId);
    }
    await waitFor('the worker to have all three in flight', () => receiver.received.length === 3);
    const killedAt = Date.now();
    await worker.stop('SIGKILL');
    receiver.mode = { kind: 'ok' };

    await start('worker', timeouts);
    await waitFor(
      'every delivery to succeed from the new worker',
      async () => {
        const rows = await deliveries();
        return rows.length === 3 && rows.every((row) => row.status === 'succeeded');
      },
      { timeoutMs: 40_000 },
    );
    // Lease: twice the 5 s timeout plus 5 s, from the claim (before the kill).
    const leaseMs = 15_000;
    for (const eventId of eventIds) {
      const [cut, delivered] = receiver.deliveriesOf(eventId);
      expect(cut).toBeDefined();
      expect(delivered).toBeDefined();
      expect(delivered.verifiedWith).toEqual([0]);
      expect(delivered.receivedAt).toBeGreaterThanOrEqual(cut.receivedAt + leaseMs - 1_000);
      expect(delivered.receivedAt).toBeGreaterThan(killedAt);
    }
    expect((await deliveries()).every((row) => row.attempts === 2)).toBe(true);
  });
});
