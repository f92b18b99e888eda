import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, expectNoSecretsInLogs, HttpClient, LogCapture } from '@keyhouse/testing';
import { decode, type JwtPayload } from 'jsonwebtoken';

/**
 * The README's "Walkthrough: every provider from the sandbox", step by step, against the
 * built gateway started the way `npm start` starts it on a fresh machine: no provider keys,
 * no VAULT_KEYS, no SANDBOX, an embedded Postgres under a new DATA_DIR. Every request here
 * is one of the README's curl commands, with the same body. The steps run in order and
 * share the process.
 */
describe('sandbox walkthrough: every provider from a fresh `npm start`', () => {
  // Given by the environment, so the gateway must never print or log it.
  const adminKey = randomBytes(36).toString('base64url');
  const secrets = new Set<string>([adminKey]);
  let dataDir: string;
  let gateway: AppProcess;
  let admin: HttpClient;
  let demo: HttpClient;
  const minted: Record<'tpa' | 'streamChat' | 'myDataHelps' | 'apiStream' | 'mesh', string> = {
    tpa: '',
    streamChat: '',
    myDataHelps: '',
    apiStream: '',
    mesh: '',
  };
  let credentialIds: Record<string, string> = {};

  /** Every token an answer carries goes on the list the log check searches for. */
  const remember = (...tokens: unknown[]): void => {
    for (const token of tokens) {
      expect(typeof token).toBe('string');
      secrets.add(token as string);
    }
  };

  const isFutureIso = (value: unknown): boolean =>
    typeof value === 'string' &&
    new Date(value).toISOString() === value &&
    Date.parse(value) > Date.now();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keyhouse-walkthrough-'));
    gateway = await AppProcess.start('gateway', {
      DATA_DIR: dataDir,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      VAULT_KEYS: undefined,
      SANDBOX: undefined,
    });
    await gateway.waitUntilReady();
    admin = new HttpClient(gateway.baseUrl, adminKey);
  });

  afterAll(async () => {
    // Only reached running when a step failed; SIGTERM also stops the embedded Postgres.
    if (gateway?.running) {
      await gateway.stop('SIGTERM');
    }
    if (dataDir) {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('starts with the sandbox on, a generated vault key and an embedded Postgres under DATA_DIR', () => {
    expect(gateway.logs()).toContain('SANDBOX is on');
    expect(gateway.logs()).toContain('"sandbox":true');
    expect(existsSync(join(dataDir, 'vault-keys'))).toBe(true);
    expect(existsSync(join(dataDir, 'postgres'))).toBe(true);
    // The admin key came from the environment: no generated key is printed.
    expect(gateway.logs()).not.toContain('an admin API key was generated');
  });

  it('creates a team client with the admin key', async () => {
    const created = await admin.post('/admin/clients', {
      name: 'walkthrough',
      team: 'demo',
      scopes: ['tokens:issue', 'tokens:read', 'credentials:write'],
      providers: ['*'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'walkthrough', team: 'demo', providers: ['*'] });
    remember(created.body.apiKey);
    demo = new HttpClient(gateway.baseUrl, created.body.apiKey);
  });

  it('mints a TPA Stream connect token', async () => {
    const answer = await demo.post('/v1/tpa-stream/connect-tokens', { userId: 'alice' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(answer.body).sort()).toEqual([
      'connectAccessToken',
      'expiresAt',
      'sdkToken',
    ]);
    expect(answer.body.sdkToken).toEqual(expect.any(String));
    expect(answer.body.connectAccessToken).toEqual(expect.any(String));
    expect(isFutureIso(answer.body.expiresAt)).toBe(true);
    remember(answer.body.sdkToken, answer.body.connectAccessToken);
    minted.tpa = answer.body.connectAccessToken;
  });

  it('mints a Stream Chat user token, then revokes the user’s tokens', async () => {
    const answer = await demo.post('/v1/stream-chat/tokens', { userId: 'alice' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      apiKey: expect.any(String),
      userId: 'alice',
      upstreamUserId: expect.stringMatching(/^kh_[0-9a-f]{40}$/),
      token: expect.any(String),
      expiresAt: expect.any(String),
    });
    remember(answer.body.token);
    minted.streamChat = answer.body.token;
    const jwt = decode(answer.body.token, { complete: true });
    expect(jwt?.header.alg).toBe('HS256');
    const claims = jwt?.payload as JwtPayload;
    expect(claims).toEqual({
      user_id: answer.body.upstreamUserId,
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(Date.parse(answer.body.expiresAt)).toBe(claims.exp! * 1000);

    const revoked = await demo.post('/v1/stream-chat/revocations', { userId: 'alice' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.userId).toBe('alice');
  });

  it('obtains a MyDataHelps participant token, and the same one again while it is fresh', async () => {
    const first = await demo.post('/v1/mydatahelps/participant-tokens', {
      participantId: 'participant-1',
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
    // What the browser SDK's setParticipantAccessToken takes, ready to pass through.
    expect(first.body.sdkToken).toEqual({
      access_token: first.body.accessToken,
      expires_in: first.body.expiresIn,
      token_type: 'Bearer',
    });
    expect(first.body.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(first.body.expiresIn).toBeGreaterThan(0);
    expect(isFutureIso(first.body.expiresAt)).toBe(true);
    remember(first.body.accessToken);
    minted.myDataHelps = first.body.accessToken;

    const again = await demo.post('/v1/mydatahelps/participant-tokens', {
      participantId: 'participant-1',
    });
    expect(again.status).toBe(200);
    expect(again.body.accessToken).toBe(first.body.accessToken);
    expect(again.body.expiresAt).toBe(first.body.expiresAt);
  });

  it('mints an api.stream access token for a HOST', async () => {
    const answer = await demo.post('/v1/api-stream/access-tokens', {
      userId: 'alice',
      role: 'HOST',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      accessToken: expect.any(String),
      role: 'HOST',
      upstreamUserId: expect.stringMatching(/^kh_[0-9a-f]{40}$/),
      expiresAt: expect.any(String),
    });
    expect(isFutureIso(answer.body.expiresAt)).toBe(true);
    remember(answer.body.accessToken);
    minted.apiStream = answer.body.accessToken;
  });

  /** POST /v1/mesh/link-tokens for alice, and the sandbox Link page it decodes to. */
  const meshLinkPage = async (): Promise<string> => {
    const answer = await demo.post('/v1/mesh/link-tokens', { userId: 'alice' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      linkToken: expect.any(String),
      upstreamUserId: expect.stringMatching(/^kh_[0-9a-f]{40}$/),
      expiresAt: expect.any(String),
    });
    const lifetime = Date.parse(answer.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(590_000);
    expect(lifetime).toBeLessThanOrEqual(600_000);
    remember(answer.body.linkToken);
    minted.mesh = answer.body.linkToken;
    // Mesh link tokens are a base64 URL of the Link session; the sandbox's Link page answers
    // with the LinkPayload onIntegrationConnected would hand the page once the user connects.
    const linkUrl = Buffer.from(answer.body.linkToken, 'base64').toString('utf8');
    expect(linkUrl).toMatch(/^https?:\/\//);
    return linkUrl;
  };

  it('mints a Mesh link token, finishes Link in the sandbox, and stores the connection', async () => {
    const linkUrl = await meshLinkPage();
    const payload = (await (await fetch(linkUrl)).json()) as Record<string, any>;
    expect(Object.keys(payload)).toEqual(['accessToken']);
    const [account] = payload.accessToken.accountTokens;
    remember(account.accessToken, account.refreshToken);
    const stored = await demo.post('/v1/mesh/connections', { userId: 'alice', payload });
    expect(stored.status).toBe(201);
    expect(stored.body.items).toEqual([
      expect.objectContaining({ accountId: account.account.accountId, status: 'active' }),
    ]);
    // The same link token cannot be finished twice.
    expect((await fetch(linkUrl)).status).toBe(410);
  });

  it('connects Vanguard with delayed auth, and finishes its MFA with the code', async () => {
    const linkUrl = await meshLinkPage();
    const payload = (await (
      await fetch(`${linkUrl}&flow=delayedAuth&broker=vanguard`)
    ).json()) as Record<string, any>;
    expect(Object.keys(payload)).toEqual(['delayedAuth']);
    remember(payload.delayedAuth.refreshToken);
    const stored = await demo.post('/v1/mesh/connections', { userId: 'alice', payload });
    expect(stored.status).toBe(201);
    expect(stored.body.items).toEqual([
      expect.objectContaining({
        accountId: null,
        status: 'needs_reauth',
        lastError: 'mfa_required',
        metadata: expect.objectContaining({ kind: 'delayed_auth', brokerType: 'vanguard' }),
      }),
    ]);
    const pending = stored.body.items[0].id as string;

    const completed = await demo.post(`/v1/credentials/${pending}/mfa`, { code: '123456' });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({
      id: pending,
      status: 'active',
      accountId: expect.any(String),
      metadata: { kind: 'account', brokerType: 'vanguard', brokerName: 'Vanguard' },
    });

    const connections = await demo.get('/v1/mesh/connections?userId=alice');
    expect(connections.status).toBe(200);
    const entries = connections.body.accessTokens as Array<Record<string, string>>;
    expect(entries.map((entry) => entry.brokerType).sort()).toEqual(['robinhood', 'vanguard']);
    remember(...entries.map((entry) => entry.accessToken));
  });

  it('lists what it stored for alice, and for the participant', async () => {
    const listed = await demo.get('/v1/credentials?userId=alice');
    expect(listed.status).toBe(200);
    // Metadata only: none of the tokens minted above.
    for (const token of Object.values(minted)) {
      expect(listed.text).not.toContain(token);
    }
    const items = listed.body.items as Array<Record<string, any>>;
    expect(items.map((item) => item.provider).sort()).toEqual([
      'api-stream',
      'mesh',
      'mesh',
      'mesh',
      'stream-chat',
      'tpa-stream',
    ]);
    credentialIds = Object.fromEntries(
      items
        .filter((item) => item.metadata.kind !== 'account')
        .map((item) => [item.provider, item.id]),
    );
    const byProvider = (provider: string) =>
      items.find((item) => item.provider === provider && item.metadata.kind !== 'account');
    expect(byProvider('tpa-stream')).toMatchObject({
      userId: 'alice',
      status: 'active',
      metadata: { kind: 'connect_token', singleUse: true },
    });
    // Revoked by the revocation above.
    expect(byProvider('stream-chat')).toMatchObject({ status: 'revoked' });
    expect(byProvider('api-stream')).toMatchObject({
      status: 'active',
      metadata: { role: 'HOST' },
    });
    expect(items.filter((item) => item.provider === 'mesh')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          accountId: null,
          metadata: { kind: 'link_token', singleUse: true },
        }),
        expect.objectContaining({
          status: 'active',
          metadata: expect.objectContaining({ kind: 'account' }),
        }),
      ]),
    );

    const participant = await demo.get('/v1/credentials?userId=participant-1');
    expect(participant.status).toBe(200);
    expect(participant.body.items).toEqual([
      expect.objectContaining({
        provider: 'mydatahelps',
        userId: 'participant-1',
        status: 'active',
      }),
    ]);
  });

  it('reads the stored api.stream token back, but not the single-use TPA one', async () => {
    const stored = await demo.get(`/v1/credentials/${credentialIds['api-stream']}/token`);
    expect(stored.status).toBe(200);
    expect(stored.headers.get('cache-control')).toBe('no-store');
    expect(stored.body).toEqual({ accessToken: minted.apiStream, expiresAt: expect.any(String) });

    const singleUse = await demo.get(`/v1/credentials/${credentialIds['tpa-stream']}/token`);
    expect(singleUse.status).toBe(409);
    expect(singleUse.body.code).toBe('conflict');
    expect(singleUse.text).not.toContain(minted.tpa);
  });

  it('deletes the user: every credential of alice is revoked and unreadable', async () => {
    const deleted = await demo.delete('/v1/users/alice');
    expect(deleted.status).toBe(204);

    const listed = await demo.get('/v1/credentials?userId=alice');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(6);
    expect(listed.body.items.map((item: { status: string }) => item.status)).toEqual(
      Array(6).fill('revoked'),
    );
    const stored = await demo.get(`/v1/credentials/${credentialIds['api-stream']}/token`);
    expect(stored.status).toBe(409);
    expect(stored.text).not.toContain(minted.apiStream);
  });

  it('stops cleanly on SIGTERM and never printed a key or a token', async () => {
    expect(await gateway.stop('SIGTERM')).toBe(0);
    expect(gateway.logs()).toContain('"msg":"stopped"');
    expect(Object.values(minted).every((token) => token.length > 0)).toBe(true);
    const output = new LogCapture();
    output.lines.push(...gateway.logs().split('\n'));
    expectNoSecretsInLogs(output, secrets);
  });
});
