import { randomUUID } from 'node:crypto';
import { createKeyhouseClient, type KeyhouseClient, KeyhouseProblemError } from '@keyhouse/client';
import { type Sandbox, startSandbox } from '@keyhouse/providers';
import { FakeMesh, FakeStreamChat, MESH_LINK_TOKEN_PATH } from '@keyhouse/sandbox';
import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  queryDatabase,
  seedCredential,
  startGateway,
} from '@keyhouse/testing';
import { decode, type JwtPayload } from 'jsonwebtoken';

/**
 * @keyhouse/client against the real gateway and the sandbox's fake upstreams: typed answers
 * and typed problems for each route group, and each SDK helper.
 */
describe('@keyhouse/client against a running gateway', () => {
  let sandbox: Sandbox;
  let gateway: GatewayHarness;
  let team: KeyhouseClient;
  let admin: KeyhouseClient;
  let teamClientId: string;
  let teamKey: string;
  const secrets = new Set<string>();

  /** The rejection of `call`, which must be a KeyhouseProblemError. */
  const problemOf = async (call: Promise<unknown>): Promise<KeyhouseProblemError> => {
    const error: unknown = await call.then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    expect(error).toBeInstanceOf(KeyhouseProblemError);
    return error as KeyhouseProblemError;
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
    gateway = await startGateway({ env: sandbox.environment() });
    const created = await createClient(gateway, { team: 'client-suite' });
    teamClientId = created.id;
    teamKey = created.apiKey;
    secrets.add(created.apiKey).add(gateway.adminKey);
    const retry = { retries: 2, baseDelayMs: 10, maxDelayMs: 1_000 };
    team = createKeyhouseClient({ baseUrl: gateway.baseUrl, apiKey: created.apiKey, retry });
    admin = createKeyhouseClient({ baseUrl: gateway.baseUrl, apiKey: gateway.adminKey, retry });
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
    await sandbox.stop();
  });

  describe('provider routes', () => {
    it('mints a Stream Chat token, and its tokenProvider mints a fresh one per call', async () => {
      const answer = await team.streamChat.token('ada', 600);
      secrets.add(answer.token);
      expect(answer.apiKey).toBe(sandbox.fake(FakeStreamChat).apiKey);
      expect(Date.parse(answer.expiresAt)).toBeGreaterThan(Date.now());

      const tokenProvider = team.streamChat.tokenProvider('ada');
      const token = await tokenProvider();
      secrets.add(token);
      const claims = decode(token) as JwtPayload;
      expect(claims.user_id).toBe(answer.upstreamUserId);
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3_600);
    });

    it('refuses a bad body with a typed validation_failed problem naming the field', async () => {
      const problem = await problemOf(team.streamChat.token('x'.repeat(257)));
      expect(problem.status).toBe(400);
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((error) => error.field)).toContain('userId');
      expect(problem.requestId).toEqual(expect.any(String));
    });

    it("gives TPA Stream's connectAccessTokenRefreshFn a fresh connect token per call", async () => {
      const refresh = team.tpaStream.connectAccessTokenRefreshFn('ada');
      const first = await refresh();
      const second = await refresh();
      secrets.add(first).add(second);
      expect(first).not.toBe(second);
      expect(first.split('.')).toHaveLength(3);
    });

    it("returns MyDataHelps' setParticipantAccessToken arguments", async () => {
      const [token, baseUrl] = await team.myDataHelps.participantAccessTokenArgs('participant-7');
      secrets.add(token.access_token);
      expect(token).toEqual({
        access_token: expect.any(String),
        expires_in: expect.any(Number),
        token_type: 'Bearer',
      });
      expect(token.expires_in).toBeGreaterThan(0);
      expect(baseUrl).toMatch(/^https?:\/\/.+\/$/);
    });

    it("stores a Mesh Link connection and returns Mesh Link's accessTokens for the user", async () => {
      const payload = sandbox.fake(FakeMesh).connectAccount({ accounts: 2 });
      payload.accountTokens.forEach((token) => secrets.add(token.accessToken));
      const stored = await team.mesh.storeConnections(
        'mesh-user',
        payload as unknown as Record<string, unknown>,
      );
      expect(stored.items).toHaveLength(2);
      expect(stored.items[0]).toMatchObject({ provider: 'mesh', userId: 'mesh-user' });

      const accessTokens = await team.mesh.accessTokens('mesh-user');
      expect(accessTokens.map((entry) => entry.accessToken).sort()).toEqual(
        payload.accountTokens.map((token) => token.accessToken).sort(),
      );
      expect(accessTokens[0]).toEqual({
        accessToken: expect.any(String),
        brokerType: expect.any(String),
        brokerName: expect.any(String),
        accountId: expect.any(String),
        accountName: expect.anything(),
      });
    });

    /** A client that records the status of every answer it receives, retries included. */
    const recordingClient = (seen: number[]) =>
      createKeyhouseClient({
        baseUrl: gateway.baseUrl,
        apiKey: teamKey,
        retry: { retries: 2, maxDelayMs: 2_000 },
        fetch: async (request) => {
          const response = await fetch(request);
          seen.push(response.status);
          return response;
        },
      });

    // Mesh's own 429 is a 503 upstream_unavailable with its Retry-After (the gateway does not
    // retry it): what the client must wait out.
    const meshRateLimited = (times: number) =>
      sandbox.fake(FakeMesh).failNext({
        status: 429,
        times,
        path: MESH_LINK_TOKEN_PATH,
        headers: { 'retry-after': '1' },
        body: { status: 'tooManyRequest', message: 'slow down' },
      });

    it("retries a 503 after the gateway's Retry-After and returns the answer that follows", async () => {
      const seen: number[] = [];
      meshRateLimited(1);
      const started = Date.now();
      const { linkToken } = await recordingClient(seen).mesh.linkToken({ userId: 'retry-user' });
      secrets.add(linkToken);
      expect(seen).toEqual([503, 200]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('hands back a typed 503 once the retries are spent', async () => {
      const seen: number[] = [];
      meshRateLimited(3);
      const problem = await problemOf(
        recordingClient(seen).mesh.linkToken({ userId: 'down-user' }),
      );
      expect(seen).toEqual([503, 503, 503]);
      expect(problem.status).toBe(503);
      expect(problem.code).toBe('upstream_unavailable');
      expect(problem.retryAfterSeconds).toBe(1);
    });
  });

  describe('credentials and users', () => {
    it('lists, reads and presents a stored credential, typed', async () => {
      const page = await team.credentials.list({ userId: 'mesh-user', provider: 'mesh' });
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toBeNull();
      const [first] = page.items;
      const one = await team.credentials.get(first.id);
      expect(one.status).toBe('active');
      const { accessToken, expiresAt } = await team.credentials.token(first.id);
      expect(accessToken).toEqual(expect.any(String));
      expect(expiresAt === null || Date.parse(expiresAt) > 0).toBe(true);
    });

    it('answers a credential that needs the user again with a typed needs_reauth', async () => {
      const credential = await seedCredential(gateway, { team: 'client-suite', provider: 'mesh' });
      await queryDatabase(
        gateway.database.url,
        "UPDATE credentials SET status = 'needs_reauth' WHERE id = $1",
        [credential.id],
      );
      const problem = await problemOf(team.credentials.token(credential.id));
      expect(problem.status).toBe(424);
      expect(problem.code).toBe('needs_reauth');
    });

    it('answers an unknown credential with a typed not_found', async () => {
      const problem = await problemOf(team.credentials.get(randomUUID()));
      expect(problem.status).toBe(404);
      expect(problem.code).toBe('not_found');
    });

    it("deletes a user's credentials, and refuses a key without the scope with forbidden", async () => {
      await expect(team.users.delete('mesh-user')).resolves.toBeUndefined();
      const after = await team.credentials.list({ userId: 'mesh-user' });
      expect(after.items.map((item) => item.status)).toEqual(['revoked', 'revoked']);

      const readOnly = await createClient(gateway, {
        team: 'client-suite',
        scopes: ['tokens:read'],
      });
      secrets.add(readOnly.apiKey);
      const reader = createKeyhouseClient({ baseUrl: gateway.baseUrl, apiKey: readOnly.apiKey });
      const problem = await problemOf(reader.users.delete('someone'));
      expect(problem.status).toBe(403);
      expect(problem.code).toBe('forbidden');
    });

    it('answers a bad key with a typed unauthenticated', async () => {
      const stranger = createKeyhouseClient({ baseUrl: gateway.baseUrl, apiKey: 'kh_live_nope' });
      const problem = await problemOf(stranger.credentials.list());
      expect(problem.status).toBe(401);
      expect(problem.code).toBe('unauthenticated');
    });
  });

  describe('admin', () => {
    it('creates, reads, rotates and deletes a client, typed', async () => {
      const created = await admin.admin.clients.create({
        name: 'typed-client',
        team: 'client-suite',
        scopes: ['tokens:read'],
        providers: ['*'],
      });
      secrets.add(created.apiKey);
      expect(created.apiKey.startsWith(created.keyPrefix)).toBe(true);
      expect((await admin.admin.clients.get(created.id)).name).toBe('typed-client');
      const rotated = await admin.admin.clients.rotate(created.id);
      secrets.add(rotated.apiKey);
      expect(rotated.apiKey).not.toBe(created.apiKey);
      await admin.admin.clients.delete(created.id);
      expect((await problemOf(admin.admin.clients.get(created.id))).code).toBe('not_found');
    });

    it('reads the refresh status and the vault keys, typed', async () => {
      const status = await admin.admin.refreshStatus();
      expect(status.dueNow).toEqual(expect.any(Number));
      expect(Array.isArray(status.failures)).toBe(true);
      const keys = await admin.admin.vaultKeys();
      expect(keys.keys.find((key) => key.active)?.id).toBe(keys.activeKeyId);
    });

    it('refuses a team key on /admin, and a client it cannot see, with typed problems', async () => {
      const forbidden = await problemOf(team.admin.clients.get(teamClientId));
      expect(forbidden.code).toBe('forbidden');
      const invalid = await problemOf(admin.admin.clients.get('not-a-uuid'));
      expect(invalid.code).toBe('validation_failed');
      expect(invalid.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    });
  });
});
