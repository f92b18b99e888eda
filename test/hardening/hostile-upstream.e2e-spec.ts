import { FakeMesh, MESH_REFRESH_PATH } from '@keyhouse/sandbox';
import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  refreshingMeshEnv,
  startGateway,
  waitFor,
} from '@keyhouse/testing';

const MESH = { MESH_CLIENT_ID: 'mesh-client', MESH_CLIENT_SECRET: 'mesh-secret-value-hostile' };

/**
 * An upstream (compromised, buggy, or a proxy in front of it) may answer with words that
 * are long, echo a token, or hold NUL or an unpaired surrogate, which Postgres will not
 * store. What it says about a failure reaches `last_error`, the audit trail and the logs
 * only as a short code of our own choosing; text it answers that is kept (an account's
 * name) is kept with those characters as U+FFFD. Before, such an answer could not be
 * written at all: the write was retried until the lease ran out, and the answer was lost.
 */
describe("hostile words in an upstream's answers", () => {
  const mesh = new FakeMesh({
    clientId: MESH.MESH_CLIENT_ID,
    clientSecret: MESH.MESH_CLIENT_SECRET,
  });
  let gateway: GatewayHarness;
  let client: HttpClient;
  const secrets = new Set<string>([MESH.MESH_CLIENT_SECRET]);

  const connect = async (userId: string) => {
    // Refreshed tokens live an hour: each credential refreshes once, and no other one takes
    // the fault meant for the next.
    const payload = mesh.connectAccount({
      accounts: 1,
      expiresInSeconds: 12,
      refreshedExpiresInSeconds: 3_600,
    });
    const token = payload.accountTokens[0];
    secrets.add(token.accessToken).add(token.refreshToken!);
    const stored = await client.post('/v1/mesh/connections', { userId, payload });
    expect(stored.status).toBe(201);
    return { id: stored.body.items[0].id as string, refreshToken: token.refreshToken! };
  };
  const row = async (id: string) =>
    (
      await queryDatabase<Record<string, any>>(
        gateway.database.url,
        'SELECT status, attempts, last_error, last_refreshed_at FROM credentials WHERE id = $1',
        [id],
      )
    )[0];
  const auditOf = (id: string) =>
    queryDatabase<{ action: string; details: Record<string, unknown> }>(
      gateway.database.url,
      'SELECT action, details FROM audit_events WHERE credential_id = $1 ORDER BY created_at',
      [id],
    );

  beforeAll(async () => {
    gateway = await startGateway({
      env: await refreshingMeshEnv(mesh, { REFRESH_RETRY_BASE_MS: '200' }),
    });
    const created = await createClient(gateway, { team: 'growth', providers: ['mesh'] });
    secrets.add(created.apiKey).add(gateway.adminKey);
    client = new HttpClient(gateway.baseUrl, created.apiKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
    await mesh.stop();
  });

  it.each([
    ['a NUL character', 'bad\u0000request'],
    ['an unpaired surrogate', 'bad\ud800request'],
    ['more words than last_error holds', `badRequest${'x'.repeat(200)}`],
    ['prose', 'the refresh token rt_live_0123 was not accepted'],
  ])(
    'records a refused refresh whose status word holds %s as the HTTP status',
    async (_what, word) => {
      const connection = await connect(`hostile-${word.length}-${word.charCodeAt(3)}`);
      mesh.failNext({
        status: 400,
        path: MESH_REFRESH_PATH,
        body: { status: word, message: word, errorType: word, content: null },
      });
      const failed = await waitFor('the failed refresh to be recorded', async () => {
        const current = await row(connection.id);
        return current.attempts > 0 ? current : undefined;
      });
      expect(failed).toMatchObject({ status: 'active', last_error: 'http_400' });
      // Retried with backoff; the fault answered once, so the next refresh goes through.
      await waitFor(
        'the retried refresh',
        async () => (await row(connection.id)).last_refreshed_at ?? undefined,
      );
      expect(await row(connection.id)).toMatchObject({ attempts: 0, last_error: null });
      const audit = await waitFor('both outcomes in the audit trail', async () => {
        const events = await auditOf(connection.id);
        return events.some((event) => event.action === 'credential.refreshed') ? events : undefined;
      });
      expect(audit).toContainEqual({
        action: 'credential.refresh_failed',
        details: { code: 'http_400', willRetry: true },
      });
      expect(gateway.logs.linesContaining(word.slice(0, 12))).toEqual([]);
    },
  );

  it("stores the accounts of an answer whose account name holds NUL or an unpaired surrogate, the name's as U+FFFD", async () => {
    const payload = mesh.connectDelayed({ accounts: 1 });
    const accessToken = 'hostile-name-access-token-0123456789';
    const refreshToken = 'hostile-name-refresh-token-0123456789';
    secrets.add(payload.delayedAuth.refreshToken).add(accessToken).add(refreshToken);
    // The exchange of the grant answers (once) with this account, as Mesh's answer shape has it.
    mesh.failNext({
      status: 200,
      path: MESH_REFRESH_PATH,
      body: {
        status: 'ok',
        message: '',
        errorType: '',
        content: {
          status: 'succeeded',
          expiresInSeconds: 3_600,
          brokerAccountTokens: [
            {
              accessToken,
              refreshToken,
              account: { accountId: 'acct-hostile-1', accountName: 'Joint\u0000 \ud800' },
            },
          ],
        },
      },
    });
    const stored = await client.post('/v1/mesh/connections', { userId: 'named-oddly', payload });
    expect(stored.status).toBe(201);
    const [account] = stored.body.items as Array<Record<string, any>>;
    expect(account).toMatchObject({
      accountId: 'acct-hostile-1',
      status: 'active',
      metadata: { kind: 'account', accountName: 'Joint\ufffd \ufffd' },
    });
    const token = await client.get(`/v1/credentials/${account.id}/token`);
    expect(token.body.accessToken).toBe(accessToken);
  });
});
