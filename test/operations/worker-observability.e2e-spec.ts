import {
  AppProcess,
  createTestDatabase,
  type GatewayHarness,
  HttpClient,
  startGateway,
  TcpProxy,
  type TestDatabase,
  throughProxy,
  waitFor,
} from '@keyhouse/testing';

describe('the worker: health, metrics and refresh status', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let gateway: GatewayHarness;
  let worker: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port));
    const proxyPort = await proxy.start();
    // The gateway migrates the database and serves /admin/refresh/status; it runs no scheduler.
    gateway = await startGateway({ database, env: { REFRESH_ENABLED: 'false' } });
    worker = await AppProcess.start('worker', {
      DATABASE_URL: throughProxy(database.url, proxyPort),
      REFRESH_INTERVAL_MS: '100',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '1000',
    });
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await gateway.close();
    await proxy.stop();
    await database.drop();
  });

  it('serves /health/live and /health/ready on WORKER_PORT', async () => {
    const http = new HttpClient(worker!.baseUrl);
    expect((await http.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    // Nothing else: no admin or public routes on the worker, and misses are problem+json.
    const missing = await http.get('/admin/clients');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('exports the refresh metrics from the process that refreshes', async () => {
    const metrics = await waitFor('a tick to set the backlog', async () => {
      const answer = await new HttpClient(worker!.baseUrl).get('/metrics');
      return /^keyhouse_refresh_due_backlog \d+$/m.test(answer.text) ? answer : undefined;
    });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('# TYPE keyhouse_refreshes_total counter');
    expect(metrics.text).toContain('process_cpu_seconds_total');
    // The gateway, with REFRESH_ENABLED=false, does not pretend to know the backlog.
    const gatewayMetrics = await gateway.http.get('/metrics');
    expect(gatewayMetrics.status).toBe(200);
    expect(gatewayMetrics.text).not.toContain('keyhouse_refresh_due_backlog');
    expect(gatewayMetrics.text).toContain('keyhouse_refreshes_total');
  });

  it('turns the worker unready while its database is unreachable, and back', async () => {
    const http = new HttpClient(worker!.baseUrl);
    proxy.cut();
    try {
      const down = await waitFor(
        'the worker to report 503',
        async () => {
          const answer = await http.get('/health/ready');
          return answer.status === 503 ? answer : undefined;
        },
        { timeoutMs: 6_000 },
      );
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(down.body.code).toBe('unavailable');
      expect((await http.get('/health/live')).status).toBe(200);
    } finally {
      proxy.restore();
    }
    await waitFor(
      'the worker to recover',
      async () => (await http.get('/health/ready')).status === 200,
    );
  });

  it('lists a running scheduler in /admin/refresh/status, and no longer once it stopped', async () => {
    const running = await waitFor('the worker to be listed', async () => {
      const status = await gateway.admin.get('/admin/refresh/status');
      return status.body.schedulers.length === 1 ? status : undefined;
    });
    expect(running.body.lastTickAt).toEqual(expect.any(String));
    expect(await worker!.stop('SIGTERM')).toBe(0);
    const stopped = await gateway.admin.get('/admin/refresh/status');
    expect(stopped.status).toBe(200);
    expect(stopped.body.schedulers).toEqual([]);
  });
});
