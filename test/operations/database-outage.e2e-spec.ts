import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createClient,
  freePort,
  type GatewayHarness,
  HttpClient,
  type HttpResult,
  PostgresProcess,
  type ProxiedGateway,
  seedCredential,
  startGateway,
  startProxiedGateway,
  type TcpProxy,
  waitFor,
} from '@keyhouse/testing';

const STATEMENT_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 1_000;
const OUTAGE_ENV = {
  DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
  DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
};
/**
 * The longest a request may take against a database that is down or stalled: waiting for a
 * connection, then the statement bound and the one second of slack before a silent
 * connection is dropped, plus scheduling margin for a loaded test machine.
 */
const ANSWER_BOUND_MS = CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 1_000 + 1_500;
/** Readiness reports an outage within seconds (its own ping times out after 1.5 s). */
const READINESS_BOUND_MS = 6_000;

interface Timed {
  readonly answer: HttpResult;
  readonly elapsedMs: number;
}

async function timed(request: () => Promise<HttpResult>): Promise<Timed> {
  const started = Date.now();
  const answer = await request();
  return { answer, elapsedMs: Date.now() - started };
}

/**
 * A stalled database is noticed by the process's LISTEN heartbeat: for up to a second after
 * it last answered, reads may still be served from the rows held in memory (see
 * docs/architecture.md, "Rows held in memory"); after that every read needs the database.
 * The first read that answers 503, as timed.
 */
async function memoryNoLongerTrusted(readToken: () => Promise<HttpResult>): Promise<Timed> {
  return waitFor(
    'reads to need the database',
    async () => {
      const read = await timed(readToken);
      return read.answer.status === 200 ? undefined : read;
    },
    { timeoutMs: 1_000 + 2 * ANSWER_BOUND_MS, intervalMs: 50 },
  );
}

function expectUnavailable({ answer, elapsedMs }: Timed): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({
    status: 503,
    code: 'unavailable',
  });
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(elapsedMs).toBeLessThan(ANSWER_BOUND_MS);
}

async function expectReadinessDown(gateway: { http: HttpClient }, since: number): Promise<void> {
  const down = await waitFor(
    'readiness to report 503',
    async () => {
      const answer = await gateway.http.get('/health/ready');
      return answer.status === 503 ? answer : undefined;
    },
    { timeoutMs: READINESS_BOUND_MS },
  );
  expect(Date.now() - since).toBeLessThan(READINESS_BOUND_MS);
  expect(down.body.code).toBe('unavailable');
}

async function expectRecovered(gateway: { http: HttpClient }, read: () => Promise<HttpResult>) {
  await waitFor(
    'readiness to recover',
    async () => (await gateway.http.get('/health/ready')).status === 200,
    { timeoutMs: 15_000 },
  );
  const answer = await waitFor('a token read to succeed again', async () => {
    const result = await read();
    return result.status === 200 ? result : undefined;
  });
  expect(answer.body.accessToken).toEqual(expect.any(String));
}

describe('a database that refuses or stalls connections', () => {
  let proxied: ProxiedGateway;
  let gateway: GatewayHarness;
  let proxy: TcpProxy;
  let readToken: () => Promise<HttpResult>;

  beforeAll(async () => {
    proxied = await startProxiedGateway({ env: OUTAGE_ENV });
    ({ gateway, proxy } = proxied);
    const client = await createClient(gateway, { team: 'ops', scopes: ['tokens:read'] });
    const credential = await seedCredential(gateway, { team: 'ops' });
    const http = new HttpClient(gateway.baseUrl, client.apiKey);
    readToken = () => http.get(`/v1/credentials/${credential.id}/token`);
    expect((await readToken()).status).toBe(200);
  });

  afterEach(() => proxy.restore());

  afterAll(() => proxied.stop());

  it('answers 503 at once while connections are refused, and recovers without a restart', async () => {
    const since = Date.now();
    proxy.cut();
    await expectReadinessDown(gateway, since);
    const answers = await Promise.all(Array.from({ length: 8 }, () => timed(readToken)));
    answers.forEach(expectUnavailable);
    expectUnavailable(await timed(() => gateway.admin.get('/admin/clients')));
    proxy.restore();
    await expectRecovered(gateway, readToken);
  });

  it('answers 503 within the bound while connections are accepted but stalled, and recovers', async () => {
    const since = Date.now();
    proxy.stall();
    await memoryNoLongerTrusted(readToken);
    // Reads in flight on pooled connections, more than the pool holds, and new connections.
    const answers = await Promise.all(Array.from({ length: 14 }, () => timed(readToken)));
    answers.forEach(expectUnavailable);
    await expectReadinessDown(gateway, since);
    expectUnavailable(await timed(() => gateway.admin.get('/admin/clients')));
    proxy.restore();
    await expectRecovered(gateway, readToken);
  });

  it('recovers from a stall whose held-back traffic is never delivered', async () => {
    proxy.stall();
    expectUnavailable(await memoryNoLongerTrusted(readToken));
    // The partition heals by dropping every connection rather than resuming them.
    proxy.cut();
    proxy.restore();
    await expectRecovered(gateway, readToken);
  });
});

describe('a Postgres restart under load', () => {
  let dataDir: string;
  let port: number;
  let postgres: PostgresProcess;
  let gateway: GatewayHarness;
  let readToken: () => Promise<HttpResult>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyhouse-outage-'));
    port = await freePort();
    postgres = await PostgresProcess.start(dataDir, port);
    gateway = await startGateway({
      database: { url: postgres.url, name: 'keyhouse', drop: () => Promise.resolve() },
      env: OUTAGE_ENV,
    });
    const client = await createClient(gateway, { team: 'ops', scopes: ['tokens:read'] });
    const credential = await seedCredential(gateway, { team: 'ops' });
    const http = new HttpClient(gateway.baseUrl, client.apiKey);
    readToken = () => http.get(`/v1/credentials/${credential.id}/token`);
  });

  afterAll(async () => {
    await gateway?.close();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps answering 200 or a prompt 503 while the database restarts, then serves again', async () => {
    const results: Timed[] = [];
    let loading = true;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let round = 0; loading && round < 10_000; round++) {
          results.push(await timed(readToken));
        }
      }),
    );
    try {
      await waitFor(
        'load to be served',
        () => results.filter((r) => r.answer.status === 200).length > 20,
      );
      const since = Date.now();
      await postgres.stop();
      await expectReadinessDown(gateway, since);
      const during = results.length;
      await waitFor(
        'requests to be answered during the outage',
        () => results.length > during + 10,
      );
      postgres = await PostgresProcess.start(dataDir, port);
      await expectRecovered(gateway, readToken);
      const after = results.length;
      await waitFor(
        'load to be served again',
        () => results.slice(after).filter((r) => r.answer.status === 200).length > 20,
      );
    } finally {
      loading = false;
      await load;
    }
    const failed = results.filter((result) => result.answer.status !== 200);
    expect(failed.length).toBeGreaterThan(0);
    failed.forEach(expectUnavailable);
  });
});
