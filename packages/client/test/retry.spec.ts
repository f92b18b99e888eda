import { createKeyhouseClient, KeyhouseProblemError, parseRetryAfter } from '../src';
import { LoopbackServer, problem } from './loopback-server';

describe('retries', () => {
  const server = new LoopbackServer();
  const token = { apiKey: 'k', userId: 'ada', token: 'a.b.c', expiresAt: '2030-01-01T00:00:00Z' };

  beforeAll(() => server.start());
  afterAll(() => server.stop());

  const client = (retry = {}) =>
    createKeyhouseClient({ baseUrl: server.baseUrl, apiKey: 'kh_live_test', retry });

  it('retries a 503 with the same body and returns the success that follows', async () => {
    server.play(
      { status: 503, body: problem(503, 'upstream_unavailable') },
      { status: 200, body: token },
    );
    await expect(client({ baseDelayMs: 5 }).streamChat.token('ada', 60)).resolves.toEqual(token);
    expect(server.received).toHaveLength(2);
    expect(server.received.map((request) => JSON.parse(request.body))).toEqual([
      { userId: 'ada', expiresInSeconds: 60 },
      { userId: 'ada', expiresInSeconds: 60 },
    ]);
  });

  it('waits what Retry-After says on a 429', async () => {
    server.play(
      { status: 429, headers: { 'retry-after': '1' }, body: problem(429, 'rate_limited') },
      { status: 200, body: token },
    );
    await client().streamChat.token('ada');
    const [first, second] = server.received;
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it('hands a 429 back at once when Retry-After is beyond the cap', async () => {
    server.play({
      status: 429,
      headers: { 'retry-after': '120' },
      body: problem(429, 'rate_limited'),
    });
    const error = await client({ maxDelayMs: 1_000 })
      .streamChat.token('ada')
      .catch((rejected: unknown) => rejected);
    expect(error).toBeInstanceOf(KeyhouseProblemError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 120 });
    expect(server.received).toHaveLength(1);
  });

  it('stops after the configured retries and throws the typed problem', async () => {
    server.play({ status: 503, body: problem(503, 'unavailable') });
    const error = await client({ retries: 3, baseDelayMs: 1 })
      .credentials.list()
      .catch((rejected: unknown) => rejected);
    expect(error).toMatchObject({ status: 503, code: 'unavailable' });
    expect(server.received).toHaveLength(4);
  });

  it('does not retry other errors', async () => {
    server.play({ status: 404, body: problem(404, 'not_found') });
    await expect(client().credentials.get('x')).rejects.toMatchObject({ code: 'not_found' });
    expect(server.received).toHaveLength(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('problems', () => {
  const server = new LoopbackServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('carries every field of the problem, and the bearer key went out', async () => {
    server.play({
      status: 400,
      body: problem(400, 'validation_failed', {
        errors: [{ field: 'userId', message: 'userId must be printable' }],
      }),
    });
    const client = createKeyhouseClient({ baseUrl: server.baseUrl, apiKey: 'kh_live_abc' });
    const error = (await client.tpaStream
      .connectToken('\u0000')
      .catch((rejected: unknown) => rejected)) as KeyhouseProblemError;
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([{ field: 'userId', message: 'userId must be printable' }]);
    expect(error.requestId).toBe('req-1');
    expect(error.message).toBe('validation_failed: detail of validation_failed');
  });

  it('keeps the status of an answer that is not problem+json', async () => {
    server.play({ status: 502, body: '<html>bad gateway</html>' });
    const client = createKeyhouseClient({ baseUrl: server.baseUrl, apiKey: 'kh_live_abc' });
    await expect(client.admin.refreshStatus()).rejects.toMatchObject({
      status: 502,
      code: 'unavailable',
    });
  });
});
