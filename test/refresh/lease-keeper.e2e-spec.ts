import { systemActor } from '@keyhouse/audit';
import { MetricsRegistry } from '@keyhouse/observability';
import { HeldLease, LeaseKeeper, RefreshExecutor } from '@keyhouse/refresh';
import { FakeMesh, MESH_REFRESH_PATH } from '@keyhouse/sandbox';
import { CredentialRevocation } from '@keyhouse/vault';
import { DataSource } from 'typeorm';
import {
  createClient,
  type GatewayHarness,
  HttpClient,
  type ProxiedGateway,
  queryDatabase,
  startProxiedGateway,
  type TcpProxy,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';

const MESH = { MESH_CLIENT_ID: 'mesh-client', MESH_CLIENT_SECRET: 'mesh-secret-value-lease' };
const LEASE_SECONDS = 10;
const ACTOR = systemActor('lease-keeper-test');

/**
 * The lease rules of one process, against real Postgres behind a proxy that can cut or stall
 * it, and a fake Mesh whose refresh tokens work once:
 * - a grant is presented only while the lease covers the call and its write;
 * - a lease that lost its fence stops its work;
 * - an answer in hand survives a database outage shorter than the lease.
 */
describe('refresh leases under database faults (one process)', () => {
  const mesh = new FakeMesh({
    clientId: MESH.MESH_CLIENT_ID,
    clientSecret: MESH.MESH_CLIENT_SECRET,
  });
  let proxied: ProxiedGateway;
  let database: TestDatabase;
  let proxy: TcpProxy;
  let gateway: GatewayHarness;
  let client: HttpClient;
  let keeper: LeaseKeeper;
  let executor: RefreshExecutor;
  let users = 0;

  beforeAll(async () => {
    proxied = await startProxiedGateway({
      env: {
        ...MESH,
        MESH_BASE_URL: await mesh.start(),
        REFRESH_LEASE_SECONDS: String(LEASE_SECONDS),
        UPSTREAM_TIMEOUT_MS: '3000',
        REFRESH_WRITE_MARGIN_MS: '1000',
      },
    });
    ({ database, proxy, gateway } = proxied);
    const created = await createClient(gateway, { team: 'growth', providers: ['mesh'] });
    client = new HttpClient(gateway.baseUrl, created.apiKey);
    keeper = gateway.app.get(LeaseKeeper);
    executor = gateway.app.get(RefreshExecutor);
  });

  afterEach(() => {
    proxy.restore();
    mesh.setLatency(0);
  });

  afterAll(async () => {
    await proxied.stop();
    await mesh.stop();
  });

  /**
   * A stored Mesh connection whose token is inside its lead (due), and its refresh token.
   * With `again`, the same user links the same account anew (a reconnect: the row is replaced).
   */
  async function connect(again?: {
    userId: string;
    accountId: string;
  }): Promise<{ id: string; refreshToken: string; userId: string; accountId: string }> {
    const linked = mesh.connectAccount({
      accounts: 1,
      expiresInSeconds: 30,
      refreshedExpiresInSeconds: 3_600,
    });
    const [token] = linked.accountTokens;
    const accountId = again?.accountId ?? token.account.accountId;
    const payload = {
      ...linked,
      accountTokens: [{ ...token, account: { ...token.account, accountId } }],
    };
    const userId = again?.userId ?? `user-${users++}`;
    const stored = await client.post('/v1/mesh/connections', { userId, payload });
    expect(stored.status).toBe(201);
    return { id: stored.body.items[0].id, refreshToken: token.refreshToken!, userId, accountId };
  }

  const row = async (id: string) =>
    (
      await queryDatabase<{
        lease_owner: string | null;
        encrypted_access_token: Buffer;
        last_refreshed_at: Date | null;
        status: string;
      }>(
        database.url,
        'SELECT lease_owner, encrypted_access_token, last_refreshed_at, status FROM credentials WHERE id = $1',
        [id],
      )
    )[0];

  const claim = async (id: string): Promise<HeldLease> => {
    const lease = await keeper.claimOne(id);
    expect(lease).toBeDefined();
    return lease!;
  };

  /** The same claim as if most of its lease had already gone by (a claim answered late). */
  const aged = (lease: HeldLease, leftMs: number): HeldLease =>
    new HeldLease(
      lease.claim,
      performance.now() - (LEASE_SECONDS * 1_000 - leftMs),
      LEASE_SECONDS * 1_000,
    );

  const metric = async (name: string): Promise<number> => {
    const text = await gateway.app.get(MetricsRegistry).registry.metrics();
    return text
      .split('\n')
      .filter((line) => line.startsWith(name) && !line.startsWith('#'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };

  it('extends a lease that cannot cover the call before presenting the grant', async () => {
    const credential = await connect();
    const lease = aged(await claim(credential.id), 1_500);
    const extendedBefore = await metric('keyhouse_refresh_leases_extended_total');

    expect(await executor.run(lease, 'admin', ACTOR)).toEqual({ outcome: 'refreshed' });
    expect(mesh.presentations(credential.refreshToken)).toBe(1);
    expect(await metric('keyhouse_refresh_leases_extended_total')).toBeGreaterThan(extendedBefore);
  });

  it('hands the row back unpresented when the lease cannot be extended', async () => {
    const credential = await connect();
    const before = await row(credential.id);
    const lease = aged(await claim(credential.id), 1_500);
    proxy.cut();

    expect(await executor.run(lease, 'admin', ACTOR)).toEqual({ outcome: 'handed_back' });
    proxy.restore();
    expect(mesh.presentations(credential.refreshToken)).toBe(0);
    const after = await row(credential.id);
    expect(after.encrypted_access_token.equals(before.encrypted_access_token)).toBe(true);
    expect(after.last_refreshed_at).toBeNull();
    expect(await metric('keyhouse_refresh_handed_back_total')).toBeGreaterThan(0);
  });

  it('stops the work of a lease whose heartbeat finds the fence gone', async () => {
    const credential = await connect();
    const lease = await claim(credential.id);
    // Another process took the row over (its lease ran out here, say).
    await queryDatabase(
      database.url,
      `UPDATE credentials SET lease_owner = 'another-process', lease_token = lease_token + 1 WHERE id = $1`,
      [credential.id],
    );
    await keeper.beat();
    expect(lease.lost).toBe(true);

    expect(await executor.run(lease, 'admin', ACTOR)).toEqual({ outcome: 'handed_back' });
    expect(mesh.presentations(credential.refreshToken)).toBe(0);
    expect((await row(credential.id)).lease_owner).toBe('another-process');
  });

  it('drops the answer of a call whose fence was lost while it was in flight, and leaves the successor alone', async () => {
    const credential = await connect();
    const before = await row(credential.id);
    mesh.setLatency(1_000);
    const lease = await claim(credential.id);
    const run = executor.run(lease, 'admin', ACTOR);
    await waitFor(
      'the call to reach Mesh',
      () => mesh.presentations(credential.refreshToken) === 1,
    );
    await queryDatabase(
      database.url,
      `UPDATE credentials SET lease_owner = 'another-process', lease_token = lease_token + 1 WHERE id = $1`,
      [credential.id],
    );
    await keeper.beat();

    expect(await run).toEqual({ outcome: 'lease_lost' });
    const after = await row(credential.id);
    expect(after.lease_owner).toBe('another-process');
    expect(after.encrypted_access_token.equals(before.encrypted_access_token)).toBe(true);
  });

  /** A refresh of `credential` whose call Mesh holds for a second: the run, once it is there. */
  async function refreshInFlight(credential: { id: string; refreshToken: string }) {
    mesh.setLatency(1_000);
    const run = executor.run(await claim(credential.id), 'admin', ACTOR);
    await waitFor(
      'the call to reach Mesh',
      () => mesh.presentations(credential.refreshToken) === 1,
    );
    // Only this call is held; what the test does next reaches Mesh at once.
    mesh.setLatency(0);
    // Wrapped: an async function returning the promise itself would wait for the run.
    return { run };
  }

  // The completion sets status = 'active' whatever the row's status: it is the fence (owner
  // and token, which a revocation clears and a reconnect moves on) that keeps it off a row
  // whose state changed under the lease.
  it('leaves a credential revoked while its refresh was in flight revoked', async () => {
    const credential = await connect();
    const { run } = await refreshInFlight(credential);
    // Revoked here only (the route would revoke at Mesh too, and Mesh would then refuse the
    // refresh): the call in flight succeeds, and its completion meets the revoked row.
    await gateway.app.get(CredentialRevocation).revokeForAdmin(credential.id, ACTOR);

    expect(await run).toEqual({ outcome: 'lease_lost' });
    expect(await row(credential.id)).toMatchObject({
      status: 'revoked',
      encrypted_access_token: null,
      last_refreshed_at: null,
      lease_owner: null,
    });
  });

  it('does not mark a revoked credential needs_reauth when the upstream refused its refresh', async () => {
    const credential = await connect();
    const { run } = await refreshInFlight(credential);
    // The route revokes at Mesh too, which then refuses the refresh in flight.
    expect((await client.delete(`/v1/credentials/${credential.id}`)).status).toBe(204);

    expect(await run).toEqual({ outcome: 'lease_lost' });
    expect(await row(credential.id)).toMatchObject({ status: 'revoked', lease_owner: null });
  });

  it('keeps the tokens of a reconnect that landed while a refresh was in flight', async () => {
    const credential = await connect();
    const { run } = await refreshInFlight(credential);
    const reconnected = await connect(credential);
    expect(reconnected.id).toBe(credential.id);
    const stored = await row(credential.id);

    expect(await run).toEqual({ outcome: 'lease_lost' });
    const after = await row(credential.id);
    expect(after).toMatchObject({ status: 'active', last_refreshed_at: null });
    expect(after.encrypted_access_token.equals(stored.encrypted_access_token)).toBe(true);
  });

  it('keeps the answer in hand through a refused database shorter than the lease', async () => {
    const credential = await connect();
    mesh.setLatency(500);
    const retriesBefore = await metric('keyhouse_refresh_write_retries_total');
    const lease = await claim(credential.id);
    const run = executor.run(lease, 'admin', ACTOR);
    await waitFor(
      'the call to reach Mesh',
      () => mesh.presentations(credential.refreshToken) === 1,
    );
    proxy.cut();
    const cutAt = Date.now();
    await waitFor(
      'the write to be retried',
      async () => (await metric('keyhouse_refresh_write_retries_total')) >= retriesBefore + 2,
      { timeoutMs: 8_000 },
    );
    // The outage lasts 3 s in all: longer than any fixed handful of quick retries.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3_000 - (Date.now() - cutAt))));
    proxy.restore();

    expect(await run).toEqual({ outcome: 'refreshed' });
    expect(await row(credential.id)).toMatchObject({ status: 'active', lease_owner: null });
    expect((await row(credential.id)).last_refreshed_at).not.toBeNull();
    expect(mesh.presentations(credential.refreshToken)).toBe(1);
  });

  it('keeps the answer in hand through a stalled database shorter than the lease', async () => {
    const credential = await connect();
    mesh.setLatency(500);
    const lease = await claim(credential.id);
    const run = executor.run(lease, 'admin', ACTOR);
    await waitFor(
      'the call to reach Mesh',
      () => mesh.presentations(credential.refreshToken) === 1,
    );
    proxy.stall();
    const answered = mesh.requestsTo(MESH_REFRESH_PATH).length;
    // The answer arrives while nothing reaches Postgres; the stall then lasts 3 s in all.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(mesh.requestsTo(MESH_REFRESH_PATH).length).toBe(answered);
    proxy.restore();

    expect(await run).toEqual({ outcome: 'refreshed' });
    expect((await row(credential.id)).last_refreshed_at).not.toBeNull();
    expect(mesh.presentations(credential.refreshToken)).toBe(1);
  });

  it('gives an answer up at once when the database refuses the write for its values', async () => {
    const credential = await connect();
    const lease = await claim(credential.id);
    const retriesBefore = await metric('keyhouse_refresh_write_retries_total');
    const lostBefore = await metric('keyhouse_refresh_answers_lost_total');
    const started = performance.now();
    // A data exception (22P02): the same statement is refused however often it runs.
    const outcome = await keeper.writeWhileHeld(lease, () =>
      gateway.app.get(DataSource).query("SELECT 'not a number'::int"),
    );

    expect(outcome).toBe('answer_lost');
    // Not held until the lease's end (10 s) in retries that would all be refused.
    expect(performance.now() - started).toBeLessThan(LEASE_SECONDS * 1_000 - 2_000);
    expect(await metric('keyhouse_refresh_write_retries_total')).toBe(retriesBefore);
    expect(await metric('keyhouse_refresh_answers_lost_total')).toBe(lostBefore + 1);
    expect(gateway.logs.linesContaining('the database refuses what the write holds')).toHaveLength(
      1,
    );
  });
});
