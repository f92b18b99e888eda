import { FakeMesh, MESH_REFRESH_PATH } from '@keyhouse/sandbox';
import {
  createClient,
  createTestDatabase,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  refreshingMeshEnv,
  startGateway,
  type TestDatabase,
  waitFor,
  WebhookReceiver,
} from '@keyhouse/testing';

const MESH = { MESH_CLIENT_ID: 'mesh-client', MESH_CLIENT_SECRET: 'mesh-secret-events-123' };

/**
 * Events from the real refresh engine against a fake Mesh: the background scheduler's
 * outcomes each write exactly one event of their type, visible in /v1/events.
 */
describe('events from refreshes', () => {
  const mesh = new FakeMesh({
    clientId: MESH.MESH_CLIENT_ID,
    clientSecret: MESH.MESH_CLIENT_SECRET,
  });
  let database: TestDatabase;
  let gateway: GatewayHarness;
  let client: HttpClient;
  const receiver = new WebhookReceiver();

  const connect = async (userId: string, expiresInSeconds: number) => {
    const payload = mesh.connectAccount({
      accounts: 1,
      expiresInSeconds,
      refreshedExpiresInSeconds: 3_600,
    });
    const stored = await client.post('/v1/mesh/connections', { userId, payload });
    expect(stored.status).toBe(201);
    return {
      id: stored.body.items[0].id as string,
      payload,
      refreshToken: payload.accountTokens[0].refreshToken!,
    };
  };

  const typesOf = async (credentialId: string): Promise<string[]> => {
    const rows = await queryDatabase<{ type: string }>(
      database.url,
      `SELECT type FROM events WHERE data->>'id' = $1 ORDER BY xact_id, position`,
      [credentialId],
    );
    return rows.map((row) => row.type);
  };

  const row = async (id: string) =>
    (
      await queryDatabase<{
        status: string;
        last_refreshed_at: Date | null;
        last_error: string | null;
      }>(
        database.url,
        'SELECT status, last_refreshed_at, last_error FROM credentials WHERE id = $1',
        [id],
      )
    )[0];

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGateway({
      database,
      env: await refreshingMeshEnv(mesh, {
        WEBHOOK_CONCURRENCY: '2',
        WEBHOOK_TIMEOUT_MS: '10000',
      }),
    });
    const created = await createClient(gateway, {
      team: 'growth',
      providers: ['mesh'],
      scopes: ['credentials:write', 'tokens:read', 'events:read', 'webhooks:write'],
    });
    client = new HttpClient(gateway.baseUrl, created.apiKey);
  });

  afterAll(async () => {
    // Drops the held deliveries first, so the gateway's shutdown need not wait them out.
    await receiver.stop();
    await gateway.close();
    await mesh.stop();
    await database.drop();
  });

  it('a refused refresh writes needs_reauth; connecting the account again writes recovered', async () => {
    const connection = await connect('frank', 12);
    mesh.revokeRefreshToken(connection.refreshToken);
    await waitFor('needs_reauth', async () => (await row(connection.id)).status === 'needs_reauth');
    expect(await typesOf(connection.id)).toEqual(['credential.created', 'credential.needs_reauth']);

    const again = await client.post('/v1/mesh/connections', {
      userId: 'frank',
      payload: connection.payload,
    });
    expect(again.status).toBe(201);
    expect(again.body.items[0].id).toBe(connection.id);
    expect(await typesOf(connection.id)).toEqual([
      'credential.created',
      'credential.needs_reauth',
      'credential.recovered',
    ]);
    // Visible once no older writing transaction is open on the server (commit order).
    const feed = await waitFor('the needs_reauth event in the feed', async () => {
      const answer = await client.get('/v1/events?types=credential.needs_reauth');
      return answer.body.items.length > 0 && answer;
    });
    expect(feed.body.items).toEqual([
      expect.objectContaining({
        type: 'credential.needs_reauth',
        data: expect.objectContaining({ id: connection.id, reason: 'refresh_token_rejected' }),
      }),
    ]);
  });

  it('temporary failures that run into expiry write refresh_failing once; a later success writes nothing', async () => {
    mesh.failNext({ status: 503, times: 1_000, path: MESH_REFRESH_PATH });
    try {
      const connection = await connect('gina', 12);
      await waitFor(
        'refresh_failing',
        async () => (await typesOf(connection.id)).includes('credential.refresh_failing'),
        { timeoutMs: 20_000 },
      );
      // The last-chance retry fails too: the next one is scheduled past expiry.
      await waitFor(
        'a retry scheduled past expiry',
        async () =>
          (
            await queryDatabase<{ past: boolean }>(
              database.url,
              `SELECT refresh_at > expires_at AS past FROM credentials WHERE id = $1`,
              [connection.id],
            )
          )[0].past,
        { timeoutMs: 20_000 },
      );
      mesh.reset();
      await waitFor(
        'a successful refresh',
        async () => (await row(connection.id)).last_refreshed_at !== null,
        {
          timeoutMs: 20_000,
        },
      );
      expect(await typesOf(connection.id)).toEqual([
        'credential.created',
        'credential.refresh_failing',
      ]);
    } finally {
      mesh.reset();
    }
  });

  it('a lapsed credential nothing can refresh writes expired; deleting it writes revoked', async () => {
    const connection = await connect('kate', 3_600);
    await queryDatabase(
      database.url,
      `UPDATE credentials SET expires_at = now() - interval '1 hour', refresh_token_expires_at = now() - interval '1 minute',
              refresh_at = now() WHERE id = $1`,
      [connection.id],
    );
    await waitFor('expired', async () => (await row(connection.id)).status === 'expired');
    expect((await client.delete(`/v1/credentials/${connection.id}`)).status).toBe(204);
    expect(await typesOf(connection.id)).toEqual([
      'credential.created',
      'credential.expired',
      'credential.revoked',
    ]);
  });

  it('refreshes stay on time while every delivery lane is stuck on a receiver that never answers', async () => {
    await receiver.start();
    receiver.mode = { kind: 'hang' };
    const webhook = await client.post('/v1/webhooks', { url: receiver.url, events: ['*'] });
    expect(webhook.status).toBe(201);
    const connections: { id: string }[] = [];
    for (let index = 0; index < 6; index++) {
      connections.push(await connect(`lane-${index}`, 12));
    }
    await waitFor('both delivery lanes to be held', () => receiver.received.length >= 2);
    // Due two seconds after connecting (12 s tokens, 10 s lead): all refreshed while the
    // deliveries wait on their 10 s timeout.
    await waitFor(
      'every credential to be refreshed',
      async () => {
        const rows = await Promise.all(connections.map((connection) => row(connection.id)));
        return rows.every((current) => current.last_refreshed_at !== null);
      },
      { timeoutMs: 8_000 },
    );
    const pending = await queryDatabase<{ count: number }>(
      database.url,
      `SELECT count(*)::int AS count FROM webhook_deliveries WHERE status = 'pending'`,
    );
    expect(pending[0].count).toBeGreaterThanOrEqual(4);
  });
});
