import { FakeTpaStream } from '../tpa-stream/fake-tpa-stream';

// Answers are read loosely: a wrong shape fails the assertion.
const jsonOf = (response: Response): Promise<any> => response.json();

// The shared plumbing, exercised through the simplest fake.
describe('FakeServer', () => {
  const waiters: { text: string; resolve: () => void }[] = [];
  const fake = new FakeTpaStream({
    log: (message) => waiters.filter((w) => message.includes(w.text)).forEach((w) => w.resolve()),
  });
  const nextLog = (text: string) => new Promise<void>((resolve) => waiters.push({ text, resolve }));
  let url: string;

  const createToken = (init: RequestInit = {}) =>
    fetch(`${url}/api/create-connect-token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        connect_access_key: fake.accessKey,
        connect_secret_key: fake.secretKey,
      }),
      ...init,
    });

  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('records each request verbatim', async () => {
    await fetch(`${url}/api/create-connect-token?a=1&b=two`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'X-Custom': 'Value' },
      body: 'raw body',
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/create-connect-token',
      query: { a: '1', b: 'two' },
      rawBody: 'raw body',
      contentType: 'text/plain',
    });
    expect(fake.requests[0].headers['x-custom']).toBe('Value');
    fake.clearRecords();
    expect(fake.requests).toHaveLength(0);
  });

  it('answers unknown paths with 404 and invalid UTF-8 with 400', async () => {
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const invalid = await createToken({ body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect(invalid.status).toBe(400);
  });

  it('fails the next matching requests without touching state', async () => {
    fake.failNext({ times: 2, status: 503, path: '/api/create-connect-token' });
    fake.failNext({ status: 502, path: '/elsewhere' });
    const first = await createToken();
    expect(first.status).toBe(503);
    expect(await jsonOf(first)).toMatchObject({ error: 'server_error' });
    expect((await createToken()).status).toBe(503);
    expect((await createToken()).status).toBe(200);
    expect(fake.issuedCount).toBe(1);
    expect(fake.requests).toHaveLength(3);
  });

  it('sends an injected body and headers as given', async () => {
    fake.failNext({ status: 429, body: { slow: 'down' }, headers: { 'Retry-After': '7' } });
    fake.failNext({ status: 500, body: 'plain failure' });
    const limited = await createToken();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await jsonOf(limited)).toEqual({ slow: 'down' });
    const failed = await createToken();
    expect(failed.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await failed.text()).toBe('plain failure');
  });

  it('delays hung requests, then answers them normally', async () => {
    fake.hangNext({ ms: 200 });
    const started = performance.now();
    const hung = await createToken();
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(hung.status).toBe(200);
    const quick = performance.now();
    await createToken();
    expect(performance.now() - quick).toBeLessThan(150);
  });

  it('adds fixed latency to every answer until reset', async () => {
    fake.setLatency(40);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const started = performance.now();
      await createToken();
      expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    }
    fake.reset();
    expect(fake.issuedCount).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('drops a hung request whose caller gave up, without processing it', async () => {
    fake.hangNext({ ms: 200 });
    const abandoned = nextLog('abandoned');
    await expect(createToken({ signal: AbortSignal.timeout(30) })).rejects.toThrow();
    await abandoned;
    expect(fake.issuedCount).toBe(0);
  });

  it('with latency after processing, does the work even for a caller that gave up', async () => {
    fake.setLatency(200, 'after-processing');
    await expect(createToken({ signal: AbortSignal.timeout(30) })).rejects.toThrow();
    // Processed on arrival: the token was issued, only its answer never reached the caller.
    expect(fake.issuedCount).toBe(1);
  });

  it('stops at once even with a request hanging and connections open', async () => {
    const other = new FakeTpaStream();
    const otherUrl = await other.start();
    other.hangNext({ ms: 30_000 });
    const pending = fetch(`${otherUrl}/api/create-connect-token`, { method: 'POST' });
    while (other.requests.length === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const started = performance.now();
    await other.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
    expect(() => other.baseUrl).toThrow(/not started/);
  });
});
