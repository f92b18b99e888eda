import { randomBytes } from 'node:crypto';
import { FakeMesh } from '@keyhouse/sandbox';
import {
  AppProcess,
  createTestDatabase,
  HttpClient,
  queryDatabase,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';

const ADMIN_KEY = `audit-batch-admin-${randomBytes(24).toString('base64url')}`;
const READS = 60;

/**
 * Token reads are audited in batches, held in memory for up to AUDIT_FLUSH_MS. A SIGTERM
 * must still write every one of them before the process exits.
 */
describe('batched audit of token reads', () => {
  const mesh = new FakeMesh({ clientId: 'mesh-client', clientSecret: 'mesh-secret-audit-42' });
  let database: TestDatabase;
  let gateway: AppProcess | undefined;
  let meshUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    meshUrl = await mesh.start();
  });

  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    gateway = undefined;
  });

  afterAll(async () => {
    await mesh.stop();
    await database.drop();
  });

  async function startWithOneCredential(
    env: Record<string, string>,
  ): Promise<{ client: HttpClient; credentialId: string }> {
    gateway = await AppProcess.start('gateway', {
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      SANDBOX: 'false',
      REFRESH_ENABLED: 'false',
      MESH_BASE_URL: meshUrl,
      MESH_CLIENT_ID: 'mesh-client',
      MESH_CLIENT_SECRET: 'mesh-secret-audit-42',
      ...env,
    });
    await gateway.waitUntilReady();
    const created = await new HttpClient(gateway.baseUrl, ADMIN_KEY).post('/admin/clients', {
      name: `audit-${randomBytes(3).toString('hex')}`,
      team: 'growth',
      scopes: ['credentials:write', 'tokens:read'],
      providers: ['mesh'],
    });
    expect(created.status).toBe(201);
    const client = new HttpClient(gateway.baseUrl, created.body.apiKey);
    const stored = await client.post('/v1/mesh/connections', {
      userId: `reader-${randomBytes(3).toString('hex')}`,
      payload: mesh.connectAccount({ accounts: 1, expiresInSeconds: 3_600 }),
    });
    expect(stored.status).toBe(201);
    return { client, credentialId: stored.body.items[0].id };
  }

  const readsRecorded = async (credentialId: string) =>
    Number(
      (
        await queryDatabase<{ count: string }>(
          database.url,
          `SELECT count(*) FROM audit_events WHERE action = 'credential.read' AND credential_id = $1`,
          [credentialId],
        )
      )[0].count,
    );

  it('writes every buffered read event on SIGTERM', async () => {
    // A long flush interval keeps the events in memory until the signal.
    const { client, credentialId } = await startWithOneCredential({ AUDIT_FLUSH_MS: '10000' });
    const answers = await Promise.all(
      Array.from({ length: READS }, () => client.get(`/v1/credentials/${credentialId}/token`)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(READS).fill(200));
    expect(await readsRecorded(credentialId)).toBe(0);

    expect(await gateway!.stop('SIGTERM')).toBe(0);
    expect(await readsRecorded(credentialId)).toBe(READS);
    // Nothing reads the database after its pool closed (a listener drop must not resync).
    expect(gateway!.logs()).not.toContain('Driver not Connected');
  });

  it('writes batches by themselves within the flush interval', async () => {
    const { client, credentialId } = await startWithOneCredential({ AUDIT_FLUSH_MS: '20' });
    for (let read = 0; read < 5; read++) {
      expect((await client.get(`/v1/credentials/${credentialId}/token`)).status).toBe(200);
    }
    await waitFor('the reads to be audited', async () => (await readsRecorded(credentialId)) === 5);
  });

  it('records no reads with AUDIT_READS=false, and still every change', async () => {
    const { client, credentialId } = await startWithOneCredential({ AUDIT_READS: 'false' });
    for (let read = 0; read < 5; read++) {
      expect((await client.get(`/v1/credentials/${credentialId}/token`)).status).toBe(200);
    }
    expect(await gateway!.stop('SIGTERM')).toBe(0);
    expect(await readsRecorded(credentialId)).toBe(0);
    const changes = await queryDatabase<{ action: string }>(
      database.url,
      `SELECT action FROM audit_events WHERE credential_id = $1`,
      [credentialId],
    );
    expect(changes.map((row) => row.action)).toEqual(['credential.stored']);
  });
});
