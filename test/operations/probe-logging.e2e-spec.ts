import { type GatewayHarness, startGateway, waitFor } from '@keyhouse/testing';

describe('request logs for probes and scrapes', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({ env: { LOG_LEVEL: 'info' } });
  });

  afterAll(() => gateway.close());

  const completedFor = (path: string) =>
    gateway.logs
      .parsed()
      .filter(
        (line) =>
          line.msg === 'request completed' &&
          typeof (line.req as { url?: unknown } | undefined)?.url === 'string' &&
          ((line.req as { url: string }).url === path ||
            (line.req as { url: string }).url.startsWith(`${path}?`)),
      );

  it('does not log /health and /metrics requests, however they are asked for', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/health/ready?probe=1']) {
      expect((await gateway.http.get(path)).status).toBe(200);
    }
    // A logged request after them, so the absence below is not a matter of timing.
    await gateway.admin.get('/admin/clients');
    await waitFor(
      'the admin request to be logged',
      () => completedFor('/admin/clients').length > 0,
    );
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      expect(completedFor(path)).toEqual([]);
    }
  });

  it('still logs a probe that fails', async () => {
    expect((await gateway.http.get('/health/nope')).status).toBe(404);
    await waitFor('the failed probe to be logged', () => completedFor('/health/nope').length > 0);
  });
});
