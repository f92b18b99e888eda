import {
  type GatewayHarness,
  type RawAnswer,
  rawExchange,
  rawRequest,
  startGateway,
} from '@keyhouse/testing';

const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'code', 'requestId', 'errors'];

/** Every error answer has the API's problem shape, whoever raised it (Node, Fastify or Nest). */
function expectProblem(answer: RawAnswer, status: number, code: string): void {
  expect({ status: answer.status, contentType: answer.headers['content-type'] }).toEqual({
    status,
    contentType: expect.stringContaining('application/problem+json'),
  });
  expect(Object.keys(answer.json ?? {}).filter((key) => !PROBLEM_KEYS.includes(key))).toEqual([]);
  expect(answer.json).toMatchObject({
    type: `urn:keyhouse:problem:${code}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    requestId: expect.any(String),
  });
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
}

describe('errors raised before Nest (raw sockets)', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({ env: { HTTP_REQUEST_TIMEOUT_MS: '1000' } });
  });

  afterAll(async () => {
    await gateway.close();
  });

  const send = (head: string, body?: Buffer): Promise<RawAnswer> =>
    rawRequest(gateway.baseUrl, head, { body });

  it('answers a lower-case method with 400 problem+json', async () => {
    expectProblem(
      await send('get /health/live HTTP/1.1\r\nHost: a\r\n\r\n'),
      400,
      'validation_failed',
    );
  });

  it('answers a header section over the limit with 431 problem+json', async () => {
    const answer = await send(
      `GET /health/live HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectProblem(answer, 431, 'validation_failed');
  });

  it('answers garbage instead of a request line with 400 problem+json', async () => {
    expectProblem(await send('GARBAGE\r\n\r\n'), 400, 'validation_failed');
  });

  it('answers conflicting Content-Length headers with 400 problem+json', async () => {
    const answer = await send(
      'POST /admin/clients HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
    );
    expectProblem(answer, 400, 'validation_failed');
  });

  it('answers an over-long path parameter with 400 problem+json', async () => {
    const answer = await send(`GET /admin/clients/${'a'.repeat(600)} HTTP/1.1\r\nHost: a\r\n\r\n`);
    expectProblem(answer, 400, 'validation_failed');
  });

  it('answers a malformed percent-escape with 400 problem+json', async () => {
    const answer = await send('GET /admin/clients/%zz HTTP/1.1\r\nHost: a\r\n\r\n');
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body).not.toContain('FST_ERR');
  });

  it('answers an unsupported Expect with 417 problem+json', async () => {
    const answer = await send('GET /health/live HTTP/1.1\r\nHost: a\r\nExpect: bogus\r\n\r\n');
    expectProblem(answer, 417, 'validation_failed');
  });

  it('answers CONNECT with 405 problem+json instead of dropping the connection', async () => {
    const answer = await send('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expectProblem(answer, 405, 'method_not_allowed');
  });

  it('answers a request whose head never ends with 408 problem+json', async () => {
    const started = Date.now();
    const answer = await rawRequest(gateway.baseUrl, 'GET /health/live HTTP/1.1\r\nHost: a\r\n', {
      timeoutMs: 10_000,
    });
    expectProblem(answer, 408, 'validation_failed');
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('refuses two Host headers with 400 (RFC 9112)', async () => {
    const answer = await send('GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    expectProblem(answer, 400, 'validation_failed');
  });

  it('refuses an HTTP/1.1 request without Host with 400 problem+json', async () => {
    expectProblem(await send('GET /health/live HTTP/1.1\r\n\r\n'), 400, 'validation_failed');
  });

  it('answers GET /metrics with a 1 MB body cleanly: 413 problem+json, whole', async () => {
    const answer = await send(
      'GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n',
      Buffer.alloc(1_000_000, 0x61),
    );
    expectProblem(answer, 413, 'payload_too_large');
    expect(Buffer.byteLength(answer.body)).toBe(Number(answer.headers['content-length']));
  });

  it('answers a valid request before the garbage pipelined behind it', async () => {
    const written = await rawExchange(
      gateway.baseUrl,
      'GET /health/ready HTTP/1.1\r\nHost: a\r\n\r\nnull GARBAGE\r\n\r\n',
    );
    const statuses = [...written.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    expect(statuses).toEqual(['200', '400']);
    expect(written.slice(written.lastIndexOf('\r\n\r\n') + 4)).toContain('validation_failed');
  });

  it('still answers a plain request on the same server', async () => {
    const answer = await send('GET /health/live HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });
});
