import { FakeStreamChat } from '@keyhouse/sandbox';
import {
  createClient,
  createTestDatabase,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';
import { verify } from 'jsonwebtoken';

const SECRET_A = 'coherence-secret-a-0123456789';
const SECRET_B = 'coherence-secret-b-9876543210';

/** How each process's in-memory integrations stay current when notifications go missing. */
describe('Integration directory coherence', () => {
  const app = new FakeStreamChat({ apiKey: 'coherent', apiSecret: SECRET_A });
  let database: TestDatabase;
  let writer: GatewayHarness;
  let reader: GatewayHarness;
  let client: HttpClient;
  let id: string;

  beforeAll(async () => {
    const url = await app.start();
    database = await createTestDatabase();
    writer = await startGateway({ database, env: { INTEGRATIONS_RELOAD_MS: '600000' } });
    // The reader re-reads every 300 ms besides listening.
    reader = await startGateway({ database, env: { INTEGRATIONS_RELOAD_MS: '300' } });
    const created = await writer.admin.post('/admin/integrations', {
      provider: 'stream-chat',
      name: 'coherent',
      teams: ['c'],
      settings: { baseUrl: url, apiKey: 'coherent' },
      secrets: { apiSecret: SECRET_A },
    });
    id = created.body.id;
    client = new HttpClient(reader.baseUrl, (await createClient(writer, { team: 'c' })).apiKey);
  });

  afterAll(async () => {
    await writer.close();
    await reader.close();
    await database.drop();
    await app.stop();
  });

  const signedWith = async (secret: string): Promise<boolean> => {
    const minted = await client.post('/v1/stream-chat/tokens', { userId: 'u' });
    if (minted.status !== 200) {
      return false;
    }
    try {
      verify(minted.body.token, secret);
      return true;
    } catch {
      return false;
    }
  };

  it('listens again after its connection is cut, and catches up with what it missed', async () => {
    await waitFor('the integration', () => signedWith(SECRET_A), { timeoutMs: 5_000 });
    await queryDatabase(
      database.url,
      // This database's listeners only: other suites share the server.
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'keyhouse-listener' AND datname = current_database()`,
    );
    expect(
      (await writer.admin.patch(`/admin/integrations/${id}`, { secrets: { apiSecret: SECRET_B } }))
        .status,
    ).toBe(200);
    await waitFor('the rotated secret', () => signedWith(SECRET_B), { timeoutMs: 5_000 });
    await waitFor(
      'both listeners back',
      async () =>
        (
          await queryDatabase<{ count: number }>(
            database.url,
            `SELECT count(*)::int AS count FROM pg_stat_activity
              WHERE application_name = 'keyhouse-listener'
                AND datname = current_database()`,
          )
        )[0].count === 2,
      { timeoutMs: 5_000 },
    );
  });

  it('re-reads periodically: a change that sent no notification still arrives', async () => {
    await queryDatabase(
      database.url,
      `UPDATE integrations SET settings = settings || '{"apiKey": "changed-quietly"}',
              version = version + 1 WHERE id = $1`,
      [id],
    );
    await waitFor(
      'the quiet change',
      async () =>
        (await client.post('/v1/stream-chat/tokens', { userId: 'u' })).body.apiKey ===
        'changed-quietly',
      { timeoutMs: 3_000 },
    );
  });
});
