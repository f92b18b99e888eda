// Refreshes per second for ONE worker process against a fake Mesh answering in 20 ms, beside
// the floor in the same run: the fake's own capacity at the same concurrency. Then the
// database time per refresh: the engine's own statements (CredentialLeases.claimDue and
// .complete, plus the audit insert complete() fires), run one at a time on the same database.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type Repository } from 'typeorm';
import { Agent, request } from 'undici';
import { systemActor } from '../libs/audit/src/actor';
import type { AuditEventInput } from '../libs/audit/src/audit-action';
import { AuditEventEntity } from '../libs/audit/src/audit-event.entity';
import { AuditRepository } from '../libs/audit/src/audit.repository';
import { AuditService } from '../libs/audit/src/audit.service';
import { baseDataSourceOptions } from '../libs/database/src/data-source-options';
import type { FakeRequest } from '../libs/sandbox/src/common/fake-http';
import { FakeMesh, MESH_REFRESH_PATH } from '../libs/sandbox/src/index';
import { CredentialLeaseRepository } from '../libs/vault/src/credential-lease.repository';
import { CredentialLeases } from '../libs/vault/src/credential-leases.service';
import { CredentialEntity } from '../libs/vault/src/credential.entity';
import { CredentialCipher } from '../libs/vault/src/crypto/credential-cipher';
import { LocalKeyring } from '../libs/vault/src/crypto/keyring';
import type { AppProcess } from '../test/support/app-process';
import {
  appEnvironment,
  type BenchVaultKey,
  createApiClient,
  cpuTimeMs,
  MESH_CLIENT_ID,
  MESH_CLIENT_SECRET,
  newVaultKey,
  startApp,
  startBenchDatabase,
  stopApp,
  storeMeshCredentials,
  waitFor,
} from './harness';
import type { BenchRow } from './measure';

const BENCHMARK = 'background refresh (Mesh, 20 ms upstream)';
const CREDENTIALS = 2_000;
const UPSTREAM_LATENCY_MS = 20;
/** Everything stored is due at once: the lead is longer than the tokens' lifetime. */
const MIN_LEAD_SECONDS = '3600';
/** Credentials whose engine statements are timed one by one for "database time". */
const TIMED_REFRESHES = 500;
const DEFAULT_BATCH = 50;
const DEFAULT_CONCURRENCY = 10;

/** FakeMesh that notes when the first refresh arrives (and calls back at that moment). */
class WatchedMesh extends FakeMesh {
  onFirstRefresh?: () => void;

  protected override onReceived(request: FakeRequest): void {
    super.onReceived(request);
    if (request.method === 'POST' && request.path === MESH_REFRESH_PATH && this.onFirstRefresh) {
      const callback = this.onFirstRefresh;
      this.onFirstRefresh = undefined;
      callback();
    }
  }
}

export async function refreshBenchmark(): Promise<BenchRow[]> {
  const database = await startBenchDatabase();
  const mesh = new WatchedMesh({ clientId: MESH_CLIENT_ID, clientSecret: MESH_CLIENT_SECRET });
  const vaultKey = newVaultKey();
  let gateway: AppProcess | undefined;
  try {
    await mesh.start();
    mesh.setLatency(UPSTREAM_LATENCY_MS);
    const adminKey = `bench-admin-${randomBytes(24).toString('base64url')}`;
    const env = {
      ...appEnvironment(database.url, vaultKey, mesh),
      REFRESH_MIN_LEAD_SECONDS: MIN_LEAD_SECONDS,
    };
    // The gateway only stores credentials here: its own scheduler stays off.
    gateway = await startApp('gateway', {
      ...env,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      REFRESH_ENABLED: 'false',
    });
    const apiKey = await createApiClient(gateway, adminKey);

    const rows: BenchRow[] = [];
    let lastIds: string[] = [];
    for (const concurrency of [DEFAULT_CONCURRENCY, 50]) {
      const floor = await upstreamCapacity(mesh, CREDENTIALS, concurrency);
      rows.push({
        benchmark: BENCHMARK,
        variant: `floor: ${CREDENTIALS.toLocaleString('en-US')} refreshes straight at the fake, concurrency ${concurrency}`,
        opsPerSecond: floor,
        note: `refreshes/s the upstream allows (undici, keep-alive); ceiling ${concurrency} × 1000/${UPSTREAM_LATENCY_MS} = ${(concurrency * 1_000) / UPSTREAM_LATENCY_MS}/s`,
      });
      lastIds = await storeMeshCredentials(gateway, apiKey, mesh, CREDENTIALS, {
        prefix: `c${concurrency}`,
        expiresInSeconds: 600,
        refreshedExpiresInSeconds: 86_400,
      });
      const run = await oneWorker(database.url, env, mesh, lastIds, concurrency);
      const defaults = concurrency === DEFAULT_CONCURRENCY ? ' (defaults)' : '';
      rows.push({
        benchmark: BENCHMARK,
        variant: `Keyhouse: 1 worker, batch ${DEFAULT_BATCH}, concurrency ${concurrency}${defaults}`,
        opsPerSecond: run.refreshesPerSecond,
        note:
          `refreshes/s, first to last write of ${CREDENTIALS.toLocaleString('en-US')} due credentials (DB timestamps)` +
          (run.cpuMsPerRefresh === undefined
            ? ''
            : `; worker CPU ${run.cpuMsPerRefresh.toFixed(2)} ms/refresh (${Math.round(run.coreShare! * 100)}% of a core)`),
      });
    }

    const timing = await databaseTimePerRefresh(
      database.url,
      vaultKey,
      lastIds.slice(0, TIMED_REFRESHES),
    );
    rows.push({
      benchmark: BENCHMARK,
      variant: 'database time per refresh (engine statements, one at a time)',
      opsPerSecond: 1_000 / timing.totalMs,
      note:
        `${timing.totalMs.toFixed(2)} ms/refresh = claimDue ${timing.claimMs.toFixed(2)} (claim UPDATE … SKIP LOCKED + re-read, per row of a ${DEFAULT_BATCH}-row batch)` +
        ` + complete() UPDATE ${timing.completeMs.toFixed(2)} + its audit INSERT ${timing.auditMs.toFixed(2)} (fire-and-forget in the engine);` +
        ` the real CredentialLeases in-process on ${timing.count} due rows of the same database, wall time of each SQL call;` +
        ` ops/s = 1000 / that, i.e. one connection doing nothing else`,
    });
    return rows;
  } finally {
    await stopApp(gateway);
    await mesh.stop();
    await database.stop();
  }
}

interface WorkerRun {
  readonly refreshesPerSecond: number;
  readonly cpuMsPerRefresh?: number;
  readonly coreShare?: number;
}

/** Starts one worker on due credentials, waits until every one is written, stops it. */
async function oneWorker(
  databaseUrl: string,
  env: Record<string, string>,
  mesh: WatchedMesh,
  ids: readonly string[],
  concurrency: number,
): Promise<WorkerRun> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let worker: AppProcess | undefined;
  try {
    const due = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM credentials WHERE id = ANY($1::uuid[]) AND refresh_at <= now() AND last_refreshed_at IS NULL`,
      [ids],
    );
    if (Number(due.rows[0].count) !== ids.length) {
      throw new Error(`only ${due.rows[0].count} of ${ids.length} credentials are due`);
    }
    const refreshesBefore = mesh.refreshCount;
    let cpuAtFirstRefresh: number | undefined;
    let firstRefreshAt: number | undefined;
    worker = await startApp('worker', {
      ...env,
      REFRESH_INTERVAL_MS: '50',
      REFRESH_CONCURRENCY: String(concurrency),
    });
    const pid = worker.pid;
    mesh.onFirstRefresh = () => {
      firstRefreshAt = performance.now();
      cpuAtFirstRefresh = cpuTimeMs(pid);
    };
    const written = async () => {
      const result = await client.query<{ count: string }>(
        `SELECT count(*) AS count FROM credentials WHERE id = ANY($1::uuid[]) AND last_refreshed_at IS NOT NULL`,
        [ids],
      );
      return Number(result.rows[0].count) === ids.length;
    };
    await waitFor(written, `${ids.length} refreshes`, { alive: worker });
    const cpuAtEnd = cpuTimeMs(pid);
    const endedAt = performance.now();
    const span = await client.query<{ seconds: number; failed: string }>(
      `SELECT extract(epoch FROM max(last_refreshed_at) - min(last_refreshed_at))::float8 AS seconds,
              count(*) FILTER (WHERE status <> 'active' OR attempts > 0) AS failed
         FROM credentials WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const refreshed = mesh.refreshCount - refreshesBefore;
    if (refreshed !== ids.length || Number(span.rows[0].failed) > 0) {
      throw new Error(
        `expected ${ids.length} refreshes, the fake saw ${refreshed}; ${span.rows[0].failed} rows failed`,
      );
    }
    const cpuMs =
      cpuAtFirstRefresh === undefined || cpuAtEnd === undefined
        ? undefined
        : cpuAtEnd - cpuAtFirstRefresh;
    return {
      refreshesPerSecond: (ids.length - 1) / span.rows[0].seconds,
      cpuMsPerRefresh: cpuMs === undefined ? undefined : cpuMs / ids.length,
      coreShare:
        cpuMs === undefined || firstRefreshAt === undefined
          ? undefined
          : cpuMs / (endedAt - firstRefreshAt),
    };
  } finally {
    mesh.onFirstRefresh = undefined;
    await stopApp(worker);
    await client.end();
  }
}

/** `count` fresh Mesh accounts refreshed straight at the fake, `concurrency` at a time. */
async function upstreamCapacity(
  mesh: FakeMesh,
  count: number,
  concurrency: number,
): Promise<number> {
  const payload = mesh.connectAccount({ accounts: count, refreshedExpiresInSeconds: 86_400 });
  const tokens = payload.accountTokens.map((token) => token.refreshToken!);
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const before = mesh.refreshCount;
  let next = 0;
  const lane = async () => {
    while (next < tokens.length) {
      const refreshToken = tokens[next++];
      const response = await request(`${mesh.baseUrl}${MESH_REFRESH_PATH}`, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          'x-client-id': MESH_CLIENT_ID,
          'x-client-secret': MESH_CLIENT_SECRET,
        },
        body: JSON.stringify({ refreshToken, type: payload.brokerType }),
      });
      await response.body.text();
      if (response.statusCode !== 200) {
        throw new Error(`the fake answered ${response.statusCode} to a refresh`);
      }
    }
  };
  try {
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, lane));
    const elapsed = performance.now() - start;
    if (mesh.refreshCount - before !== count) {
      throw new Error(`the fake counted ${mesh.refreshCount - before} of ${count} refreshes`);
    }
    return (count * 1_000) / elapsed;
  } finally {
    await agent.close();
  }
}

interface DatabaseTiming {
  readonly count: number;
  readonly claimMs: number;
  readonly completeMs: number;
  readonly auditMs: number;
  readonly totalMs: number;
}

/**
 * The engine's statements, timed: CredentialLeases (the real class) on a data source in
 * this process, over `ids` made due again. claimDue is timed whole (its UPDATE … FOR UPDATE
 * SKIP LOCKED and the re-read of the claimed rows); for complete only its SQL call is timed,
 * not the sealing before it; the audit insert complete() fires is awaited and timed alone.
 */
async function databaseTimePerRefresh(
  url: string,
  vaultKey: BenchVaultKey,
  ids: readonly string[],
): Promise<DatabaseTiming> {
  const dataSource = new DataSource({
    ...baseDataSourceOptions({ url, poolSize: 2, applicationName: 'keyhouse-bench' }),
    entities: [CredentialEntity, AuditEventEntity],
  });
  await dataSource.initialize();
  try {
    await dataSource.query(
      `UPDATE credentials SET refresh_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const sql = { audit: 0 };
    const credentials = timedQueries(dataSource.getRepository(CredentialEntity));
    const audits = new AuditRepository(dataSource.getRepository(AuditEventEntity));
    const pendingAudits: Promise<void>[] = [];
    const timedAudits = {
      insert: (events: readonly AuditEventInput[]) => {
        const start = performance.now();
        const inserted = audits.insert(events).then(() => {
          sql.audit += performance.now() - start;
        });
        pendingAudits.push(inserted);
        return inserted;
      },
    } as AuditRepository;
    const cipher = new CredentialCipher(
      new LocalKeyring(new Map([[vaultKey.id, vaultKey.key]]), vaultKey.id),
    );
    const leases = new CredentialLeases(
      new CredentialLeaseRepository(credentials.repository),
      cipher,
      new AuditService(timedAudits),
    );
    const actor = systemActor('refresh-scheduler');

    let claimMs = 0;
    let count = 0;
    for (;;) {
      const start = performance.now();
      const claims = await leases.claimDue('bench-timing', DEFAULT_BATCH, 60);
      claimMs += performance.now() - start;
      if (claims.length === 0) {
        break;
      }
      for (const claim of claims) {
        const obtainedAt = new Date();
        credentials.timing.active = true;
        const outcome = await leases.complete(
          claim,
          {
            accessToken: randomBytes(48).toString('base64url'),
            refreshToken: null,
            obtainedAt,
            expiresInSeconds: 86_400,
            refreshAt: new Date(obtainedAt.getTime() + 77_000_000),
          },
          actor,
        );
        credentials.timing.active = false;
        if (outcome !== 'written') {
          throw new Error(`complete() answered ${outcome}`);
        }
        await Promise.all(pendingAudits.splice(0));
        count++;
      }
    }
    if (count !== ids.length) {
      throw new Error(`claimed ${count} of ${ids.length} due credentials`);
    }
    const perRow = { claim: claimMs / count, complete: credentials.timing.ms / count };
    const audit = sql.audit / count;
    return {
      count,
      claimMs: perRow.claim,
      completeMs: perRow.complete,
      auditMs: audit,
      totalMs: perRow.claim + perRow.complete + audit,
    };
  } finally {
    await dataSource.destroy();
  }
}

/** The repository with `query` timed while `timing.active` (set around complete() only). */
function timedQueries(repository: Repository<CredentialEntity>): {
  repository: Repository<CredentialEntity>;
  timing: { active: boolean; ms: number };
} {
  const timing = { active: false, ms: 0 };
  const timed = new Proxy(repository, {
    get(target, property, receiver) {
      if (property !== 'query') {
        return Reflect.get(target, property, receiver);
      }
      return async (query: string, parameters?: unknown[]) => {
        const active = timing.active;
        const start = performance.now();
        try {
          return await target.query(query, parameters);
        } finally {
          if (active) {
            timing.ms += performance.now() - start;
          }
        }
      };
    },
  });
  return { repository: timed, timing };
}
