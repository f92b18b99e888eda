import { FakeStreamChat, StreamChatCode } from '@keyhouse/sandbox';
import {
  createClient,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
  startProviderGateway,
  stopProviderGateway,
} from '@keyhouse/testing';
import { decode, verify } from 'jsonwebtoken';

const API_KEY = 'stream-chat-api-key';
const API_SECRET = 'stream-chat-api-secret-0123456789abcdef';
const USERS_PATH = '/users';

describe('Stream Chat', () => {
  const stream = new FakeStreamChat({ apiKey: API_KEY, apiSecret: API_SECRET });
  let gateway: GatewayHarness;
  let chat: HttpClient;
  const secrets = new Set<string>([API_SECRET]);

  const streamEnv = (baseUrl: string, apiSecret = API_SECRET) => ({
    STREAM_CHAT_BASE_URL: baseUrl,
    STREAM_CHAT_API_KEY: API_KEY,
    STREAM_CHAT_API_SECRET: apiSecret,
  });

  const storedRows = (userId: string) =>
    queryDatabase<{ id: string; status: string }>(
      gateway.database.url,
      `SELECT id, status FROM credentials WHERE provider = 'stream-chat' AND user_id = $1`,
      [userId],
    );

  /** Mints through the gateway and remembers the token for the log check. */
  const mint = async (userId: string, expiresInSeconds?: number, client = chat) => {
    const answer = await client.post('/v1/stream-chat/tokens', {
      userId,
      ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
    });
    if (typeof answer.body?.token === 'string') {
      secrets.add(answer.body.token);
    }
    return answer;
  };

  const revoke = (body: Record<string, unknown>, client = chat) =>
    client.post('/v1/stream-chat/revocations', body);

  /** The server tokens the fake saw, for the log check. */
  const rememberServerTokens = () => {
    for (const request of stream.requests) {
      if (request.headers.authorization) {
        secrets.add(request.headers.authorization);
      }
    }
  };

  beforeAll(async () => {
    ({ gateway, client: chat } = await startProviderGateway({
      fake: stream,
      env: streamEnv,
      team: 'chat',
      provider: 'stream-chat',
      secrets,
    }));
  });

  afterEach(() => {
    rememberServerTokens();
    stream.reset();
  });

  afterAll(() => stopProviderGateway(gateway, stream, secrets));

  describe('user tokens', () => {
    it('signs an HS256 token with user_id, iat and exp locally, calling nothing', async () => {
      const answer = await mint('alice');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(answer.body).sort()).toEqual([
        'apiKey',
        'expiresAt',
        'token',
        'upstreamUserId',
        'userId',
      ]);
      expect(answer.body).toMatchObject({ apiKey: API_KEY, userId: 'alice' });
      // The environment integration serves every team: Stream sees a derived id.
      const upstreamUserId = answer.body.upstreamUserId as string;
      expect(upstreamUserId).toMatch(/^kh_[0-9a-f]{40}$/);
      const token = answer.body.token as string;

      expect(decode(token, { complete: true })?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
      const claims = verify(token, API_SECRET, { algorithms: ['HS256'] });
      expect(claims).toEqual({
        user_id: upstreamUserId,
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      const { iat, exp } = claims as { iat: number; exp: number };
      expect(exp - iat).toBe(3_600);
      expect(Math.abs(iat - Date.now() / 1_000)).toBeLessThan(5);
      expect(answer.body.expiresAt).toBe(new Date(exp * 1_000).toISOString());
      expect(stream.isUserTokenValid(token)).toBe(true);
      expect(stream.requests).toEqual([]);
    });

    it('stores the token, readable again by its team', async () => {
      const answer = await mint('bob', 86_400);
      const { iat, exp } = decode(answer.body.token) as { iat: number; exp: number };
      expect(exp - iat).toBe(86_400);

      const listed = await chat.get('/v1/credentials?userId=bob&provider=stream-chat');
      expect(listed.body.items).toHaveLength(1);
      const credential = listed.body.items[0];
      expect(credential).toMatchObject({
        provider: 'stream-chat',
        userId: 'bob',
        accountId: null,
        status: 'active',
        refreshAt: null,
        expiresAt: answer.body.expiresAt,
        metadata: { kind: 'user_token' },
      });
      expect(listed.text).not.toContain(answer.body.token);
      const read = await chat.get(`/v1/credentials/${credential.id}/token`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({
        accessToken: answer.body.token,
        expiresAt: answer.body.expiresAt,
      });

      // Signing again replaces the stored token: one row per user.
      const again = await mint('bob');
      expect(await storedRows('bob')).toEqual([{ id: credential.id, status: 'active' }]);
      const reread = await chat.get(`/v1/credentials/${credential.id}/token`);
      expect(reread.body.accessToken).toBe(again.body.token);
    });

    it('keeps one row when first mints race, auditing each; a deleted row is not replaced', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => mint('racer')));
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
      const [row] = await storedRows('racer');
      expect(await storedRows('racer')).toEqual([{ id: row.id, status: 'active' }]);
      const audited = await queryDatabase<{ replaced: boolean }>(
        gateway.database.url,
        `SELECT (details->>'replaced')::boolean AS replaced FROM audit_events
          WHERE action = 'credential.issued' AND credential_id = $1`,
        [row.id],
      );
      expect(audited.map((event) => event.replaced).sort()).toEqual([
        false,
        ...Array(7).fill(true),
      ]);
      const created = await queryDatabase<{ count: number }>(
        gateway.database.url,
        `SELECT count(*)::int AS count FROM events
          WHERE type = 'credential.created' AND data->>'id' = $1`,
        [row.id],
      );
      expect(created).toEqual([{ count: 1 }]);

      // The process remembers the row for the next mint; once it is gone, a new one is made.
      expect((await chat.delete(`/v1/credentials/${row.id}`)).status).toBe(204);
      const after = await mint('racer');
      expect(after.status).toBe(200);
      const rows = await storedRows('racer');
      expect(rows).toHaveLength(2);
      expect(rows).toContainEqual({ id: row.id, status: 'revoked' });
      const fresh = rows.find((candidate) => candidate.id !== row.id);
      expect(fresh?.status).toBe('active');
      const read = await chat.get(`/v1/credentials/${fresh?.id}/token`);
      expect(read.body.accessToken).toBe(after.body.token);
    });

    it('signs up to 30 days and refuses more, or a lifetime that is not whole seconds', async () => {
      const longest = await mint('carol', 2_592_000);
      expect(longest.status).toBe(200);
      for (const expiresInSeconds of [2_592_001, 0, -5, 1.5, '3600']) {
        const answer = await chat.post('/v1/stream-chat/tokens', {
          userId: 'too-long',
          expiresInSeconds,
        });
        expect(answer.status).toBe(400);
        expect(answer.body.code).toBe('validation_failed');
        expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(
          'expiresInSeconds',
        );
      }
      expect(await storedRows('too-long')).toEqual([]);
    });

    it('refuses a bad body with 400', async () => {
      for (const body of [{}, { userId: '' }, { userId: 'a\u0000b' }, { userId: 'x', role: 1 }]) {
        const answer = await chat.post('/v1/stream-chat/tokens', body);
        expect(answer.status).toBe(400);
        expect(answer.body.code).toBe('validation_failed');
      }
    });

    it('holds a development key to an hour: more is 403, nothing signed or stored', async () => {
      const dev = await createClient(gateway, {
        team: 'chat',
        providers: ['stream-chat'],
        development: true,
      });
      secrets.add(dev.apiKey);
      const devHttp = new HttpClient(gateway.baseUrl, dev.apiKey);

      const refused = await mint('dev-user', 3_601, devHttp);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
      expect(refused.body.token).toBeUndefined();
      expect(await storedRows('dev-user')).toEqual([]);

      const allowed = await mint('dev-user', undefined, devHttp);
      expect(allowed.status).toBe(200);
      const { iat, exp } = decode(allowed.body.token) as { iat: number; exp: number };
      expect(exp - iat).toBe(3_600);
    });
  });

  describe('revocations', () => {
    it("revokes the user's tokens at Stream with a raw server JWT, and erases the stored one", async () => {
      const minted = await mint('dave');
      const [stored] = await storedRows('dave');
      const answer = await revoke({ userId: 'dave' });
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body).sort()).toEqual([
        'revokedBefore',
        'upstreamUserId',
        'userId',
      ]);
      expect(answer.body.userId).toBe('dave');
      const upstreamId = minted.body.upstreamUserId as string;
      expect(answer.body.upstreamUserId).toBe(upstreamId);
      const revokedBefore = answer.body.revokedBefore as string;
      expect(Math.abs(new Date(revokedBefore).getTime() - Date.now())).toBeLessThan(5_000);

      const sent = stream.requestsTo(USERS_PATH, 'PATCH');
      expect(sent).toHaveLength(1);
      expect(sent[0].query).toEqual({ api_key: API_KEY });
      expect(sent[0].headers['stream-auth-type']).toBe('jwt');
      expect(sent[0].contentType).toBe('application/json');
      const authorization = sent[0].headers.authorization;
      expect(authorization).not.toMatch(/^bearer /i);
      expect(decode(authorization, { complete: true })?.header).toEqual({
        alg: 'HS256',
        typ: 'JWT',
      });
      // Exactly {"server": true}: no iat, which Stream refuses when our clock runs ahead.
      expect(verify(authorization, API_SECRET, { algorithms: ['HS256'] })).toEqual({
        server: true,
      });
      expect(JSON.parse(sent[0].rawBody)).toEqual({
        users: [{ id: upstreamId, set: { revoke_tokens_issued_before: revokedBefore } }],
      });

      expect(stream.isUserTokenValid(minted.body.token)).toBe(false);
      expect(stream.userRevokedBefore(upstreamId)?.toISOString()).toBe(revokedBefore);
      // Stream would refuse the stored token now, so it is not handed out any more.
      expect(await storedRows('dave')).toEqual([{ id: stored.id, status: 'revoked' }]);
      const read = await chat.get(`/v1/credentials/${stored.id}/token`);
      expect(read.status).toBe(409);
      expect(read.text).not.toContain(minted.body.token);

      const audit = await gateway.admin.get('/admin/audit?team=chat&action=credential.revoked');
      const upstream = (
        audit.body.items as { userId: string; details: Record<string, unknown> }[]
      ).filter((event) => event.userId === 'dave' && event.details.stage === 'upstream');
      expect(upstream).toHaveLength(1);
      expect(audit.text).not.toContain(minted.body.token);
      expect(audit.text).not.toContain(authorization);
    });

    it('revokes only tokens issued before `before`, keeping later ones', async () => {
      const minted = await mint('erin');
      const before = new Date(Date.now() - 3_600_000).toISOString();
      const answer = await revoke({ userId: 'erin', before });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        userId: 'erin',
        upstreamUserId: minted.body.upstreamUserId,
        revokedBefore: before,
      });
      const [sent] = stream.requestsTo(USERS_PATH, 'PATCH');
      expect(JSON.parse(sent.rawBody).users[0].set.revoke_tokens_issued_before).toBe(before);
      expect(stream.isUserTokenValid(minted.body.token)).toBe(true);
      expect(await storedRows('erin')).toEqual([{ id: expect.any(String), status: 'active' }]);
    });

    it('refuses a `before` that is not a date or is over a minute ahead, calling nothing', async () => {
      for (const before of [
        'yesterday',
        '2025-13-01T00:00:00Z',
        new Date(Date.now() + 120_000).toISOString(),
        1_700_000_000,
      ]) {
        const answer = await revoke({ userId: 'frank', before });
        expect(answer.status).toBe(400);
        expect(answer.body.code).toBe('validation_failed');
        expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(
          'before',
        );
      }
      expect((await revoke({ userId: 'frank', extra: 1 })).status).toBe(400);
      expect(stream.requests).toEqual([]);
    });

    it('revokes at Stream when a stored token is deleted', async () => {
      const minted = await mint('gina');
      const [stored] = await storedRows('gina');
      const deleted = await chat.delete(`/v1/credentials/${stored.id}`);
      expect(deleted.status).toBe(204);
      const [sent] = stream.requestsTo(USERS_PATH, 'PATCH');
      expect(sent.query).toEqual({ api_key: API_KEY });
      expect(JSON.parse(sent.rawBody)).toEqual({
        users: [
          {
            id: minted.body.upstreamUserId,
            set: { revoke_tokens_issued_before: expect.any(String) },
          },
        ],
      });
      expect(stream.isUserTokenValid(minted.body.token)).toBe(false);
    });

    describe('upstream answers', () => {
      it.each([
        ['a bad API key (401, code 2)', 401, StreamChatCode.AccessKey],
        ['a bad signature (401, code 43)', 401, StreamChatCode.TokenSignatureInvalid],
        ['a token expired (401, code 40)', 401, StreamChatCode.TokenExpired],
        ['not a server token (403, code 17)', 403, StreamChatCode.NotAllowed],
      ])('maps %s to 502 upstream_error', async (_label, status, code) => {
        const minted = await mint('henry');
        stream.failNext({
          status,
          path: USERS_PATH,
          body: { code, message: 'refused', StatusCode: status, duration: '0ms', more_info: '' },
        });
        const answer = await revoke({ userId: 'henry' });
        expect(answer.status).toBe(502);
        expect(answer.body.code).toBe('upstream_error');
        expect(stream.requests).toHaveLength(1);
        expect(stream.isUserTokenValid(minted.body.token)).toBe(true);
        expect((await storedRows('henry'))[0].status).toBe('active');
      });

      it("maps 429 to 503 upstream_unavailable with Stream's Retry-After", async () => {
        stream.failNext({
          status: 429,
          path: USERS_PATH,
          headers: { 'Retry-After': '4' },
        });
        const answer = await revoke({ userId: 'ivan' });
        expect(answer.status).toBe(503);
        expect(answer.body.code).toBe('upstream_unavailable');
        expect(answer.headers.get('retry-after')).toBe('4');
        expect(stream.userRevokedBefore('ivan')).toBeUndefined();
      });

      it('retries a 5xx, then gives up with 503 upstream_unavailable', async () => {
        stream.failNext({ status: 500, path: USERS_PATH });
        const recovered = await revoke({ userId: 'jane' });
        expect(recovered.status).toBe(200);
        expect(stream.requestsTo(USERS_PATH)).toHaveLength(2);
        expect(stream.userRevokedBefore(recovered.body.upstreamUserId)).toBeDefined();

        stream.failNext({ status: 503, path: USERS_PATH, times: 10 });
        const down = await revoke({ userId: 'kate' });
        expect(down.status).toBe(503);
        expect(down.body.code).toBe('upstream_unavailable');
        expect(down.headers.get('retry-after')).toBeTruthy();
        expect(stream.userRevokedBefore('kate')).toBeUndefined();
      });

      it('maps another refusal (400, code 4) to 502, and a 200 that is not JSON to 502', async () => {
        stream.failNext({ status: 400, path: USERS_PATH });
        const refused = await revoke({ userId: 'liam' });
        expect(refused.status).toBe(502);
        expect(refused.body.code).toBe('upstream_error');

        stream.failNext({ status: 200, path: USERS_PATH, body: 'ok' });
        const malformed = await revoke({ userId: 'liam' });
        expect(malformed.status).toBe(502);
        expect(malformed.body.code).toBe('upstream_error');
      });

      it('audits a failed revocation with its code', async () => {
        stream.failNext({ status: 401, path: USERS_PATH });
        expect((await revoke({ userId: 'mona' })).status).toBe(502);
        const audit = await gateway.admin.get('/admin/audit?team=chat&action=credential.revoked');
        const failed = (
          audit.body.items as { userId: string; outcome: string; details: object }[]
        ).filter((event) => event.userId === 'mona');
        expect(failed).toEqual([
          expect.objectContaining({
            outcome: 'failure',
            details: { stage: 'upstream', code: `stream_auth_${StreamChatCode.Authentication}` },
          }),
        ]);
      });
    });
  });

  describe('access', () => {
    it('refuses keys without the stream-chat provider or the tokens:issue scope', async () => {
      const other = await createClient(gateway, { team: 'chat', providers: ['tpa-stream'] });
      const reader = await createClient(gateway, {
        team: 'chat',
        providers: ['stream-chat'],
        scopes: ['tokens:read'],
      });
      secrets.add(other.apiKey).add(reader.apiKey);
      for (const key of [other.apiKey, reader.apiKey]) {
        const http = new HttpClient(gateway.baseUrl, key);
        const minted = await mint('nina', undefined, http);
        expect(minted.status).toBe(403);
        expect(minted.body.code).toBe('forbidden');
        const revoked = await revoke({ userId: 'nina' }, http);
        expect(revoked.status).toBe(403);
      }
      expect(await storedRows('nina')).toEqual([]);
      expect(stream.requests).toEqual([]);
    });

    it("should not return another team's user token", async () => {
      const minted = await mint('olga');
      const [stored] = await storedRows('olga');
      const rival = await createClient(gateway, { team: 'rival', providers: ['*'] });
      secrets.add(rival.apiKey);
      const rivalHttp = new HttpClient(gateway.baseUrl, rival.apiKey);
      expect((await rivalHttp.get(`/v1/credentials/${stored.id}`)).status).toBe(404);
      const read = await rivalHttp.get(`/v1/credentials/${stored.id}/token`);
      expect(read.status).toBe(404);
      expect(read.text).not.toContain(minted.body.token);
      expect((await rivalHttp.delete(`/v1/credentials/${stored.id}`)).status).toBe(404);
      expect(stream.requests).toEqual([]);
    });
  });

  describe('other deployments', () => {
    it('maps a wrong API secret (the real refusal, code 43) to 502', async () => {
      const wrong = await startGateway({
        env: streamEnv(stream.baseUrl, 'not-the-api-secret-0123456789'),
        database: gateway.database,
      });
      try {
        const client = await createClient(wrong, { team: 'chat', providers: ['stream-chat'] });
        secrets.add(client.apiKey).add(wrong.adminKey);
        const answer = await revoke(
          { userId: 'paul' },
          new HttpClient(wrong.baseUrl, client.apiKey),
        );
        expect(answer.status).toBe(502);
        expect(answer.body.code).toBe('upstream_error');
        expect(stream.userUpdateCount).toBe(0);
        const audit = await gateway.admin.get('/admin/audit?team=chat&action=credential.revoked');
        expect(
          (audit.body.items as { userId: string; details: object }[])
            .filter((event) => event.userId === 'paul')
            .map((event) => event.details),
        ).toEqual([
          { stage: 'upstream', code: `stream_auth_${StreamChatCode.TokenSignatureInvalid}` },
        ]);
        rememberServerTokens();
        expectNoSecretsInLogs(wrong.logs, [...secrets, 'not-the-api-secret-0123456789']);
      } finally {
        await wrong.close();
      }
    });

    it('answers 503 provider_not_configured without keys, signing and calling nothing', async () => {
      const bare = await startGateway({ env: { STREAM_CHAT_BASE_URL: stream.baseUrl } });
      try {
        const client = await createClient(bare, { team: 'chat' });
        const http = new HttpClient(bare.baseUrl, client.apiKey);
        for (const answer of [
          await mint('quinn', undefined, http),
          await revoke({ userId: 'quinn' }, http),
        ]) {
          expect(answer.status).toBe(503);
          expect(answer.body.code).toBe('provider_not_configured');
        }
        expect(stream.requests).toEqual([]);
      } finally {
        await bare.close();
      }
    });
  });
});
