import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  type HttpResult,
  startGateway,
} from '@keyhouse/testing';

const PER_MINUTE = 5;
const FAILURES_PER_MINUTE = 3;

function expectRateLimited(answer: HttpResult): void {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body).toMatchObject({ status: 429, code: 'rate_limited' });
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('rate limits', () => {
  let gateway: GatewayHarness;
  const secrets = new Set<string>();

  beforeAll(async () => {
    gateway = await startGateway({
      env: {
        RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE),
      },
    });
    secrets.add(gateway.adminKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
  });

  describe('per API client', () => {
    let first: string;
    let second: string;

    beforeAll(async () => {
      first = (await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] })).apiKey;
      second = (await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] })).apiKey;
      secrets.add(first).add(second);
    });

    it('counts down in RateLimit-* headers, then answers 429 with Retry-After', async () => {
      const remaining: number[] = [];
      for (let index = 0; index < PER_MINUTE; index++) {
        const answer = await gateway.http.get('/v1/credentials', { key: first });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('ratelimit-limit')).toBe(String(PER_MINUTE));
        const reset = Number(answer.headers.get('ratelimit-reset'));
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
        remaining.push(Number(answer.headers.get('ratelimit-remaining')));
      }
      expect(remaining).toEqual([4, 3, 2, 1, 0]);
      const refused = await gateway.http.get('/v1/credentials', { key: first });
      expectRateLimited(refused);
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    });

    it('counts refused requests of an authenticated client too', async () => {
      // The first client is spent; a 403 route costs it nothing more and still says 429.
      expectRateLimited(await gateway.http.get('/admin/clients', { key: first }));
    });

    it('keeps each client to its own budget', async () => {
      const answer = await gateway.http.get('/v1/credentials', { key: second });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-remaining')).toBe(String(PER_MINUTE - 1));
    });

    it('does not limit health, metrics or docs', async () => {
      for (let index = 0; index < PER_MINUTE * 3; index++) {
        for (const path of ['/health/live', '/health/ready', '/metrics', '/docs-json']) {
          const answer = await gateway.http.get(path);
          expect({ path, status: answer.status }).toEqual({ path, status: 200 });
          expect(answer.headers.get('ratelimit-limit')).toBeNull();
        }
      }
    });
  });

  describe('failed authentications per source address', () => {
    it('answers 429 once the address has spent its failures, whatever key it then sends', async () => {
      const statuses: number[] = [];
      for (let index = 0; index < 50; index++) {
        const forged = `kh_live_${String(index).padStart(43, 'A')}`;
        const answer = await gateway.http.get('/v1/credentials', { key: forged });
        statuses.push(answer.status);
        if (answer.status === 429) {
          expectRateLimited(answer);
        }
      }
      expect(statuses.filter((status) => status === 401)).toHaveLength(FAILURES_PER_MINUTE);
      expect(statuses.slice(FAILURES_PER_MINUTE).every((status) => status === 429)).toBe(true);

      // A real key from the same address is refused too: the guesser learns nothing more.
      const fresh = await gateway.http.get('/v1/credentials', { key: gateway.adminKey });
      expectRateLimited(fresh);
      // So is a request with no key at all.
      expectRateLimited(await gateway.http.get('/v1/credentials'));
      // Health stays open.
      expect((await gateway.http.get('/health/live')).status).toBe(200);
    });

    it('counts refusals by budget in the metrics', async () => {
      const metrics = (await gateway.http.get('/metrics')).text;
      expect(metrics).toMatch(/keyhouse_rate_limited_total\{budget="client"\} 2\b/);
      expect(metrics).toMatch(/keyhouse_rate_limited_total\{budget="auth_failures"\} (\d+)/);
      const failures = /budget="auth_failures"\} (\d+)/.exec(metrics)?.[1];
      expect(Number(failures)).toBe(50 - FAILURES_PER_MINUTE + 2);
    });
  });
});
