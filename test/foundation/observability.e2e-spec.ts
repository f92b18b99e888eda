import {
  type GatewayHarness,
  type ProxiedGateway,
  startProxiedGateway,
  type TcpProxy,
  waitFor,
} from '@keyhouse/testing';

describe('health, metrics, docs and logs', () => {
  let proxied: ProxiedGateway;
  let gateway: GatewayHarness;
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxied = await startProxiedGateway();
    ({ gateway, proxy } = proxied);
  });

  afterAll(() => proxied.stop());

  it('answers /health/live and /health/ready without a key', async () => {
    expect((await gateway.http.get('/health/live')).status).toBe(200);
    const ready = await gateway.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
  });

  it('turns /health/ready to 503 while the database is unreachable, and back', async () => {
    proxy.cut();
    try {
      const down = await waitFor('ready to report 503', async () => {
        const answer = await gateway.http.get('/health/ready');
        return answer.status === 503 ? answer : undefined;
      });
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(down.body.code).toBe('unavailable');
      expect((await gateway.http.get('/health/live')).status).toBe(200);
      // A request that needs the database gets 503 too, never a 500.
      const listing = await gateway.admin.get('/admin/clients');
      expect(listing.status).toBe(503);
      expect(listing.body.code).toBe('unavailable');
    } finally {
      proxy.restore();
    }
    await waitFor(
      'ready to recover',
      async () => (await gateway.http.get('/health/ready')).status === 200,
    );
  });

  it('exposes Prometheus metrics with HTTP latency histograms per route template', async () => {
    await gateway.admin.get('/admin/clients/00000000-0000-4000-8000-000000000000');
    const metrics = await gateway.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/admin\/clients\/:id",status_code="404"\}/,
    );
    expect(metrics.text).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(metrics.text).toContain('process_cpu_seconds_total');
  });

  it('serves Swagger UI at /docs and an OpenAPI document generated from the DTOs', async () => {
    const ui = await gateway.http.get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const document = await gateway.http.get('/docs-json');
    expect(document.status).toBe(200);
    expect(document.body.paths['/admin/clients'].post).toBeDefined();
    expect(document.body.components.schemas.CreateApiClientDto.properties.scopes).toBeDefined();
    // Two DTOs with one name would silently share a schema and misdescribe a route.
    expect(gateway.logs.linesContaining('Duplicate DTO')).toEqual([]);
    expect(document.body.components.schemas.AccessTokenResponse.required ?? []).not.toContain(
      'role',
    );
  });

  it('logs structured JSON with the request id on every line of a request', async () => {
    const requestId = 'trace-me-0001';
    const answer = await gateway.admin.get('/admin/clients', {
      headers: { 'x-request-id': requestId },
    });
    expect(answer.headers.get('x-request-id')).toBe(requestId);
    const lines = await waitFor('the request to be logged', () => {
      const found = gateway.logs.parsed().filter((line) => line.requestId === requestId);
      return found.length > 0 ? found : undefined;
    });
    expect(lines[0]).toMatchObject({
      level: expect.any(String),
      time: expect.any(String),
      requestId,
    });
    expect(JSON.stringify(lines)).not.toContain('authorization');
  });

  it('replaces an unusable incoming request id with its own', async () => {
    const answer = await gateway.http.get('/health/live', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
