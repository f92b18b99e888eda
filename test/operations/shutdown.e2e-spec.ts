import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { AuditService, systemActor } from '@keyhouse/audit';
import { FakeTpaStream, TPA_STREAM_CONNECT_TOKEN_PATH } from '@keyhouse/sandbox';
import {
  AppProcess,
  createTestDatabase,
  HttpClient,
  type HttpResult,
  queryDatabase,
  startGateway,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';

const ACCESS_KEY = 'tpa-access-key-public';
const SECRET_KEY = 'tpa-secret-key-shutdown-1';
const GRACE_MS = 8_000;
const UPSTREAM_LATENCY_MS = 1_500;

/** A keep-alive connection that has had one answer and now sits idle. */
async function idleKeepAlive(port: number): Promise<{ socket: Socket; closedAt: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const closedAt = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(Date.now())),
  );
  socket.on('error', () => undefined);
  let received = '';
  const answered = new Promise<void>((resolve) =>
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('{"status":"ok"}')) {
        resolve();
      }
    }),
  );
  socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  await answered;
  expect(received).toMatch(/^HTTP\/1\.1 200/);
  return { socket, closedAt };
}

/** Whether a new TCP connection to `port` is refused right now. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('shutting down on SIGTERM', () => {
  const tpa = new FakeTpaStream({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
  let database: TestDatabase;
  let gateway: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await tpa.stop();
    await database.drop();
  });

  it('refuses new connections, closes idle keep-alive ones, finishes in-flight requests and exits 0', async () => {
    const adminKey = `test-admin-${randomBytes(24).toString('base64url')}`;
    gateway = await AppProcess.start('gateway', {
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      SANDBOX: 'false',
      REFRESH_ENABLED: 'false',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      TPA_STREAM_BASE_URL: await tpa.start(),
      TPA_STREAM_ACCESS_KEY: ACCESS_KEY,
      TPA_STREAM_SECRET_KEY: SECRET_KEY,
    });
    await gateway.waitUntilReady();
    const created = await new HttpClient(gateway.baseUrl, adminKey).post('/admin/clients', {
      name: 'care-backend',
      team: 'care',
      scopes: ['tokens:issue'],
      providers: ['tpa-stream'],
    });
    expect(created.status).toBe(201);
    const care = new HttpClient(gateway.baseUrl, created.body.apiKey);

    const idle = await Promise.all([idleKeepAlive(gateway.port), idleKeepAlive(gateway.port)]);
    tpa.setLatency(UPSTREAM_LATENCY_MS);
    let settled = 0;
    const inFlight: Promise<HttpResult>[] = ['ann', 'bob', 'cy'].map((userId) =>
      care.post('/v1/tpa-stream/connect-tokens', { userId }).finally(() => (settled += 1)),
    );
    await waitFor(
      'the requests to reach the upstream',
      () => tpa.requestsTo(TPA_STREAM_CONNECT_TOKEN_PATH, 'POST').length === 3,
    );

    const signalledAt = Date.now();
    const exited = gateway.stop('SIGTERM');
    // No new connection is accepted, while the requests above are still under way.
    await waitFor('new connections to be refused', () => refusesConnections(gateway!.port), {
      timeoutMs: 1_000,
    });
    expect(settled).toBe(0);
    // Idle keep-alive connections are closed at once, not when their clients hang up.
    for (const { closedAt } of idle) {
      expect((await closedAt) - signalledAt).toBeLessThan(UPSTREAM_LATENCY_MS);
    }

    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(GRACE_MS);
    expect(gateway.logs()).toContain('"msg":"stopped"');
  });
});

describe('closing the app', () => {
  it('waits for the audit writes still under way before the pool closes', async () => {
    const database = await createTestDatabase();
    try {
      const gateway = await startGateway({ database });
      const audit = gateway.app.get(AuditService);
      const count = 40; // Four times the pool: most are still waiting for a connection.
      for (let index = 0; index < count; index++) {
        audit.recordQuietly({
          action: 'credential.read',
          actor: systemActor('shutdown-test'),
          team: 'care',
        });
      }
      await gateway.close();
      const rows = await queryDatabase<{ count: string }>(
        database.url,
        `SELECT count(*) FROM audit_events WHERE actor_name = 'shutdown-test'`,
      );
      expect(Number(rows[0].count)).toBe(count);
      expect(gateway.logs.linesContaining('could not write an audit event')).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});
