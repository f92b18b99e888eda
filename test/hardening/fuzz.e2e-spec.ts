// Property-based fuzzing of every route the gateway's router holds. The seed is fixed, so a
// failure replays; `npm run fuzz` raises the number of runs. FUZZ_RUNS (runs per route),
// FUZZ_SEED and FUZZ_TRACE=1 (print every request and answer) tune a run.
import { Agent, request as httpRequest } from 'node:http';
import { type Sandbox, startSandbox } from '@keyhouse/providers';
import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  type RouteEntry,
  routeTable,
  seedCredential,
  startGateway,
  TableSnapshots,
  waitFor,
} from '@keyhouse/testing';
import fc from 'fast-check';
import { type CallerName, type FuzzRequest, fuzzRequest, type KnownValues } from './fuzz-inputs';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 40);
const TRACE = process.env.FUZZ_TRACE === '1';
const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'code', 'requestId', 'errors'];

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

describe('fuzzing every route', () => {
  let gateway: GatewayHarness;
  let sandbox: Sandbox;
  let snapshots: TableSnapshots;
  let known: KnownValues;
  const keys = new Map<CallerName, string>();
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const statuses = new Map<string, Set<number>>();

  beforeAll(async () => {
    sandbox = await startSandbox();
    gateway = await startGateway({
      env: { ...sandbox.environment(), RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    const team = await createClient(gateway, { team: 'growth' });
    const reader = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
    // A client fuzzing may rotate or delete: never the keys the suite sends.
    const victim = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
    const own = await seedCredential(gateway, { team: 'growth', userId: 'user-1' });
    const foreign = await seedCredential(gateway, { team: 'other', userId: 'user-1' });
    keys.set('admin', gateway.adminKey).set('team', team.apiKey).set('reader', reader.apiKey);
    const page = await gateway.admin.get('/admin/clients?limit=1');
    known = { ids: [own.id, foreign.id, victim.id], cursor: String(page.body.nextCursor) };
    snapshots = await TableSnapshots.open(gateway.database.url);
  });

  afterAll(async () => {
    agent.destroy();
    await snapshots?.close();
    expectNoSecretsInLogs(gateway.logs, keys.values());
    await gateway.close();
    await sandbox.stop();
  });

  const authorization = (caller: CallerName): Record<string, string> => {
    switch (caller) {
      case 'none':
        return {};
      case 'forged':
        return { authorization: 'Bearer kh_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
      case 'malformed':
        return { authorization: `bearer  ${keys.get('team') ?? ''}x` };
      case 'admin':
      case 'team':
      case 'reader':
        return { authorization: `Bearer ${keys.get(caller) ?? ''}` };
    }
  };

  const send = (fuzz: FuzzRequest): Promise<Answer> => {
    const { hostname, port } = new URL(gateway.baseUrl);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: hostname,
          port,
          agent,
          method: fuzz.method,
          path: fuzz.path,
          headers: {
            ...fuzz.headers,
            ...authorization(fuzz.caller),
            // Node's client frames no body on HEAD unless told its length.
            ...(fuzz.body === undefined ? {} : { 'content-length': Buffer.byteLength(fuzz.body) }),
          },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              contentType: String(incoming.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(fuzz.body);
    });
  };

  /** After a success, wait until its writes (last_used_at, audit) have all landed. */
  const settle = async (): Promise<void> => {
    let previous = await snapshots.take();
    await waitFor('the database to settle', async () => {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const current = await snapshots.take();
      const stable = TableSnapshots.changed(previous, current).length === 0;
      previous = current;
      return stable;
    });
  };

  const checkOne = async (route: RouteEntry, fuzz: FuzzRequest): Promise<void> => {
    const before = await snapshots.take();
    const answer = await send(fuzz);
    const label = `${fuzz.method} ${fuzz.path} as ${fuzz.caller}`;
    if (TRACE) {
      process.stdout.write(`${label} -> ${answer.status} ${answer.text.slice(0, 160)}\n`);
    }
    const seen = statuses.get(`${route.method} ${route.path}`) ?? new Set<number>();
    statuses.set(`${route.method} ${route.path}`, seen.add(answer.status));

    expect({ request: label, status: answer.status < 500 ? 'below 500' : answer.status }).toEqual({
      request: label,
      status: 'below 500',
    });
    if (answer.status < 400) {
      if (answer.status === 202) {
        // Accepted: a vault rotation goes on in the background and audits its end.
        await waitFor('the rotation to finish', async () => {
          const keys = await gateway.admin.get('/admin/vault/keys');
          return keys.body.rotation?.running === false;
        });
      }
      await settle();
      return;
    }
    expect({ request: label, contentType: answer.contentType }).toEqual({
      request: label,
      contentType: expect.stringContaining('application/problem+json'),
    });
    if (fuzz.method !== 'HEAD') {
      const problem = JSON.parse(answer.text) as Record<string, unknown>;
      expect(Object.keys(problem).filter((key) => !PROBLEM_KEYS.includes(key))).toEqual([]);
      expect(problem).toMatchObject({
        type: expect.stringMatching(/^urn:keyhouse:problem:/),
        title: expect.any(String),
        status: answer.status,
        detail: expect.any(String),
        code: expect.any(String),
        requestId: expect.any(String),
      });
    }
    const changed = TableSnapshots.changed(before, await snapshots.take());
    expect({ request: label, status: answer.status, changed }).toEqual({
      request: label,
      status: answer.status,
      changed: [],
    });
  };

  it(
    'never answers 5xx, always answers errors as problem+json, and refusals change nothing',
    async () => {
      const routes = routeTable(gateway.app);
      expect(routes.length).toBeGreaterThan(25);
      // Every key has been used once already, so last_used_at is not due a write meanwhile:
      // a refused request that wrote it would then show up as a changed table.
      for (const caller of ['admin', 'team', 'reader'] as const) {
        await send({ method: 'GET', path: '/v1/credentials', caller, headers: {} });
      }
      await settle();
      for (const [index, route] of routes.entries()) {
        await fc.assert(
          fc.asyncProperty(fuzzRequest(route, known), (fuzz) => checkOne(route, fuzz)),
          { seed: SEED + index, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        );
      }
      // Not only refusals: some requests got through to the handlers.
      const reached = [...statuses.values()].flatMap((set) => [...set]);
      expect(reached.some((status) => status >= 200 && status < 300)).toBe(true);
      for (const status of [400, 401, 403, 404]) {
        expect(reached).toContain(status);
      }
    },
    60_000 + RUNS_PER_ROUTE * 2_000,
  );
});
