import {
  API_STREAM_TOKEN_PATH,
  FakeApiStream,
  FakeMesh,
  FakeMyDataHelps,
  FakeStreamChat,
  FakeTpaStream,
} from '@keyhouse/sandbox';
import {
  createClient,
  dumpDatabase,
  expectNoSecretsInLogs,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  startGateway,
} from '@keyhouse/testing';
import { verify } from 'jsonwebtoken';

/**
 * Two teams, red and blue, share one integration of every provider, and both have a user
 * "bob": upstream they must be two users, and neither team can touch the other's.
 */
describe('Upstream identities: two teams on one shared integration', () => {
  const stream = new FakeStreamChat({
    apiKey: 'shared-chat',
    apiSecret: 'shared-chat-secret-0123456789',
  });
  const apiStream = new FakeApiStream({ apiKey: 'shared-api-stream-key-0123' });
  const mesh = new FakeMesh({ clientId: 'shared-mesh', clientSecret: 'shared-mesh-secret-0123' });
  const mydatahelps = new FakeMyDataHelps();
  const tpa = new FakeTpaStream();
  const fakes = [stream, apiStream, mesh, mydatahelps, tpa];
  const secrets = new Set<string>([
    stream.apiSecret,
    apiStream.apiKey,
    mesh.clientSecret,
    mydatahelps.privateKeyPem!,
    tpa.secretKey,
  ]);
  let gateway: GatewayHarness;
  let red: HttpClient;
  let blue: HttpClient;

  const share = async (provider: string, settings: object, secretValues: object) => {
    const created = await gateway.admin.post('/admin/integrations', {
      provider,
      name: `${provider} shared`,
      teams: ['red', 'blue'],
      settings,
      secrets: secretValues,
    });
    expect(created.status).toBe(201);
    expect(created.body.userIds).toBe('derived');
    integrationIds.set(provider, created.body.id);
  };
  const integrationIds = new Map<string, string>();
  const rowsOf = (team: string, provider: string) =>
    queryDatabase<{ id: string; status: string }>(
      gateway.database.url,
      `SELECT id, status FROM credentials WHERE team = $1 AND provider = $2 ORDER BY created_at`,
      [team, provider],
    );
  const remember = (...values: unknown[]) => {
    for (const value of values) {
      if (typeof value === 'string') {
        secrets.add(value);
      }
    }
  };

  beforeAll(async () => {
    const [chatUrl, apiStreamUrl, meshUrl, , tpaUrl] = await Promise.all(
      fakes.map((fake) => fake.start()),
    );
    gateway = await startGateway();
    secrets.add(gateway.adminKey);
    await share(
      'stream-chat',
      { baseUrl: chatUrl, apiKey: stream.apiKey },
      { apiSecret: stream.apiSecret },
    );
    await share('api-stream', { baseUrl: apiStreamUrl }, { apiKey: apiStream.apiKey });
    await share(
      'mesh',
      { baseUrl: meshUrl, clientId: mesh.clientId },
      { clientSecret: mesh.clientSecret },
    );
    await share(
      'mydatahelps',
      { tokenUrl: mydatahelps.tokenUrl, serviceAccount: mydatahelps.serviceAccount },
      { privateKey: mydatahelps.privateKeyPem },
    );
    await share(
      'tpa-stream',
      { baseUrl: tpaUrl, accessKey: tpa.accessKey },
      { secretKey: tpa.secretKey },
    );
    const redClient = await createClient(gateway, { team: 'red' });
    const blueClient = await createClient(gateway, { team: 'blue' });
    remember(redClient.apiKey, blueClient.apiKey);
    red = new HttpClient(gateway.baseUrl, redClient.apiKey);
    blue = new HttpClient(gateway.baseUrl, blueClient.apiKey);
  });

  afterAll(async () => {
    const dump = await dumpDatabase(gateway.database.url);
    for (const secret of [stream.apiSecret, apiStream.apiKey, mesh.clientSecret, tpa.secretKey]) {
      expect(dump).not.toContain(secret);
    }
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
    await Promise.all(fakes.map((fake) => fake.stop()));
  });

  it('Stream Chat: two users at Stream, and a revocation by red leaves blue’s bob untouched', async () => {
    const [mintedRed, mintedBlue] = await Promise.all(
      [red, blue].map((client) => client.post('/v1/stream-chat/tokens', { userId: 'bob' })),
    );
    remember(mintedRed.body.token, mintedBlue.body.token);
    const redId = mintedRed.body.upstreamUserId as string;
    const blueId = mintedBlue.body.upstreamUserId as string;
    expect(redId).toMatch(/^kh_[0-9a-f]{40}$/);
    expect(blueId).toMatch(/^kh_[0-9a-f]{40}$/);
    expect(redId).not.toBe(blueId);
    expect(redId).not.toContain('bob');
    for (const [minted, id] of [
      [mintedRed, redId],
      [mintedBlue, blueId],
    ] as const) {
      expect(verify(minted.body.token, stream.apiSecret)).toMatchObject({ user_id: id });
    }
    // The same inputs give the same id (deterministic), in any later call.
    expect((await red.post('/v1/stream-chat/tokens', { userId: 'bob' })).body.upstreamUserId).toBe(
      redId,
    );

    const revoked = await red.post('/v1/stream-chat/revocations', { userId: 'bob' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.upstreamUserId).toBe(redId);
    expect(stream.userRevokedBefore(redId)).toBeDefined();
    expect(stream.userRevokedBefore(blueId)).toBeUndefined();
    expect(stream.userRevokedBefore('bob')).toBeUndefined();
    expect(stream.isUserTokenValid(mintedRed.body.token)).toBe(false);
    expect(stream.isUserTokenValid(mintedBlue.body.token)).toBe(true);

    // Deleting red's user does the same: only red's id at Stream.
    const again = await red.post('/v1/stream-chat/tokens', { userId: 'carl' });
    const blueCarl = await blue.post('/v1/stream-chat/tokens', { userId: 'carl' });
    remember(again.body.token, blueCarl.body.token);
    expect((await red.delete('/v1/users/carl')).status).toBe(204);
    expect(stream.userRevokedBefore(again.body.upstreamUserId)).toBeDefined();
    expect(stream.userRevokedBefore(blueCarl.body.upstreamUserId)).toBeUndefined();
    expect(stream.isUserTokenValid(blueCarl.body.token)).toBe(true);
  });

  it('api.stream: each token’s subject is its team’s id; deleting red’s leaves blue’s', async () => {
    const body = { userId: 'bob', role: 'GUEST' };
    const mintedRed = await red.post('/v1/api-stream/access-tokens', body);
    const mintedBlue = await blue.post('/v1/api-stream/access-tokens', body);
    remember(mintedRed.body.accessToken, mintedBlue.body.accessToken);
    expect(mintedRed.body.upstreamUserId).not.toBe(mintedBlue.body.upstreamUserId);
    expect(apiStream.decode(mintedRed.body.accessToken)?.sub).toBe(mintedRed.body.upstreamUserId);
    expect(apiStream.decode(mintedBlue.body.accessToken)?.sub).toBe(mintedBlue.body.upstreamUserId);
    const sent = apiStream
      .requestsTo(API_STREAM_TOKEN_PATH, 'POST')
      .map((r) => JSON.parse(r.rawBody));
    expect(sent.map((b: { serviceUserId: string }) => b.serviceUserId)).not.toContain('bob');

    const [redRow] = await rowsOf('red', 'api-stream');
    expect((await red.delete(`/v1/credentials/${redRow.id}`)).status).toBe(204);
    expect(await rowsOf('blue', 'api-stream')).toEqual([
      { id: expect.any(String), status: 'active' },
    ]);
    expect(apiStream.isTokenValid(mintedBlue.body.accessToken)).toBe(true);
  });

  it('Mesh: link tokens name each team’s id; deleting red’s connection leaves blue’s at Mesh', async () => {
    const mintedRed = await red.post('/v1/mesh/link-tokens', { userId: 'bob' });
    const mintedBlue = await blue.post('/v1/mesh/link-tokens', { userId: 'bob' });
    remember(mintedRed.body.linkToken, mintedBlue.body.linkToken);
    expect(mintedRed.body.upstreamUserId).not.toBe(mintedBlue.body.upstreamUserId);
    const users = mesh.requestsTo('/api/v1/linktoken').map((r) => JSON.parse(r.rawBody).userId);
    expect(users).toEqual([mintedRed.body.upstreamUserId, mintedBlue.body.upstreamUserId]);

    const redPayload = mesh.connectAccount({ linkToken: mintedRed.body.linkToken });
    const bluePayload = mesh.connectAccount({ linkToken: mintedBlue.body.linkToken });
    for (const payload of [redPayload, bluePayload]) {
      remember(...payload.accountTokens.flatMap((t) => [t.accessToken, t.refreshToken]));
    }
    expect(
      (await red.post('/v1/mesh/connections', { userId: 'bob', payload: redPayload })).status,
    ).toBe(201);
    expect(
      (await blue.post('/v1/mesh/connections', { userId: 'bob', payload: bluePayload })).status,
    ).toBe(201);
    expect((await red.delete('/v1/users/bob')).status).toBe(204);
    expect(mesh.isAccessTokenValid(redPayload.accountTokens[0].accessToken)).toBe(false);
    expect(mesh.isAccessTokenValid(bluePayload.accountTokens[0].accessToken)).toBe(true);
  });

  it('MyDataHelps: participant ids are the provider’s, sent as they are for both teams', async () => {
    const mintedRed = await red.post('/v1/mydatahelps/participant-tokens', {
      participantId: 'p-1',
    });
    const mintedBlue = await blue.post('/v1/mydatahelps/participant-tokens', {
      participantId: 'p-1',
    });
    remember(mintedRed.body.accessToken, mintedBlue.body.accessToken);
    expect(mydatahelps.isParticipantTokenValid(mintedRed.body.accessToken, 'p-1')).toBe(true);
    expect(mydatahelps.isParticipantTokenValid(mintedBlue.body.accessToken, 'p-1')).toBe(true);
    expect(mintedRed.body.accessToken).not.toBe(mintedBlue.body.accessToken);
    const [redRow] = await rowsOf('red', 'mydatahelps');
    expect((await red.delete(`/v1/credentials/${redRow.id}`)).status).toBe(204);
    expect((await rowsOf('blue', 'mydatahelps')).map((row) => row.status)).toEqual(['active']);
  });

  it('checks every provider’s stored keys with one harmless call', async () => {
    const before = {
      tpa: tpa.issuedCount,
      mydatahelps: mydatahelps.serviceTokenCount,
      mesh: mesh.linkTokenCount,
      apiStream: apiStream.createCount,
    };
    for (const [provider, id] of integrationIds) {
      const check = await gateway.admin.post(`/admin/integrations/${id}/check`, {});
      expect([provider, check.status, check.body]).toEqual([provider, 200, { ok: true }]);
    }
    expect(stream.appReadCount).toBe(1);
    expect(tpa.issuedCount).toBe(before.tpa + 1);
    expect(mydatahelps.serviceTokenCount).toBe(before.mydatahelps + 1);
    expect(mesh.linkTokenCount).toBe(before.mesh + 1);
    expect(apiStream.createCount).toBe(before.apiStream + 1);
    expect(mesh.requestsTo('/api/v1/linktoken').at(-1)?.rawBody).toContain('keyhouse-probe');

    // Keys the upstream no longer takes: ok false with our code, and no secret in the answer.
    mesh.rotateClientSecret('rotated-at-mesh-only-0123');
    const refused = await gateway.admin.post(
      `/admin/integrations/${integrationIds.get('mesh')}/check`,
      {},
    );
    expect(refused.body).toEqual({
      ok: false,
      code: 'upstream_misconfigured',
      detail: expect.any(String),
    });
    expect(refused.text).not.toContain('shared-mesh-secret-0123');
    mesh.rotateClientSecret('shared-mesh-secret-0123');
    const audit = await gateway.admin.get('/admin/audit?action=integration.checked');
    expect(audit.body.items).toHaveLength(6);
  });

  it('TPA Stream: connect tokens carry no user; red’s deletion leaves blue’s', async () => {
    const mintedRed = await red.post('/v1/tpa-stream/connect-tokens', { userId: 'bob' });
    const mintedBlue = await blue.post('/v1/tpa-stream/connect-tokens', { userId: 'bob' });
    remember(mintedRed.body.connectAccessToken, mintedBlue.body.connectAccessToken);
    expect(tpa.verify(mintedBlue.body.connectAccessToken)).toBeDefined();
    expect((await red.delete('/v1/users/bob')).status).toBe(204);
    expect((await rowsOf('blue', 'tpa-stream')).map((row) => row.status)).toEqual(['active']);
  });
});
