import {
  createClient,
  type CredentialSeed,
  expectNoSecretsInLogs,
  fakeToken,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  seedCredential,
  startGateway,
  waitFor,
} from '@keyhouse/testing';
import type { CredentialEntity } from '@keyhouse/vault';

describe('credential routes', () => {
  let gateway: GatewayHarness;
  let growth: HttpClient;
  let rival: HttpClient;
  const secrets = new Set<string>();

  const seed = async (team: string, overrides: Partial<CredentialSeed> = {}) => {
    const accessToken = fakeToken('access');
    const refreshToken = fakeToken('refresh');
    secrets.add(accessToken).add(refreshToken);
    const credential = await seedCredential(gateway, {
      team,
      accessToken,
      refreshToken,
      ...overrides,
    });
    return { credential, accessToken, refreshToken };
  };

  beforeAll(async () => {
    gateway = await startGateway();
    secrets.add(gateway.adminKey);
    const growthClient = await createClient(gateway, { team: 'growth' });
    const rivalClient = await createClient(gateway, { team: 'rival' });
    secrets.add(growthClient.apiKey).add(rivalClient.apiKey);
    growth = new HttpClient(gateway.baseUrl, growthClient.apiKey);
    rival = new HttpClient(gateway.baseUrl, rivalClient.apiKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
  });

  describe('reading', () => {
    let own: { credential: CredentialEntity; accessToken: string };
    let theirs: { credential: CredentialEntity; accessToken: string };

    beforeAll(async () => {
      own = await seed('growth', {
        userId: 'alice',
        provider: 'mesh',
        accountKey: 'acct-1',
        metadata: { brokerType: 'robinhood' },
      });
      theirs = await seed('rival', { userId: 'alice', provider: 'mesh', accountKey: 'acct-1' });
    });

    it('shows metadata, never a token', async () => {
      const answer = await growth.get(`/v1/credentials/${own.credential.id}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        id: own.credential.id,
        provider: 'mesh',
        userId: 'alice',
        accountId: 'acct-1',
        status: 'active',
        expiresAt: expect.any(String),
        refreshTokenExpiresAt: null,
        refreshAt: null,
        lastRefreshedAt: null,
        lastError: null,
        metadata: { brokerType: 'robinhood' },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(answer.text).not.toContain(own.accessToken);
    });

    it('hands out the decrypted token with Cache-Control: no-store', async () => {
      const answer = await growth.get(`/v1/credentials/${own.credential.id}/token`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toEqual({
        accessToken: own.accessToken,
        expiresAt: own.credential.expiresAt!.toISOString(),
      });
    });

    it("should not return another team's credential, token or listing", async () => {
      for (const path of [
        `/v1/credentials/${theirs.credential.id}`,
        `/v1/credentials/${theirs.credential.id}/token`,
      ]) {
        const answer = await growth.get(path);
        expect(answer.status).toBe(404);
        expect(answer.body.code).toBe('not_found');
        expect(answer.text).not.toContain(theirs.accessToken);
      }
      const listed = await growth.get('/v1/credentials?limit=200');
      const ids = (listed.body.items as { id: string }[]).map((item) => item.id);
      expect(ids).toContain(own.credential.id);
      expect(ids).not.toContain(theirs.credential.id);
    });

    it('filters the list by user, provider and status, and pages it', async () => {
      await seed('growth', { userId: 'bob', provider: 'api-stream' });
      await seed('growth', { userId: 'bob', provider: 'mydatahelps', accountKey: 'participant-1' });
      const bobs = await growth.get('/v1/credentials?userId=bob');
      expect((bobs.body.items as { userId: string }[]).every((item) => item.userId === 'bob')).toBe(
        true,
      );
      expect(bobs.body.items).toHaveLength(2);
      const streams = await growth.get('/v1/credentials?provider=api-stream');
      expect((streams.body.items as { provider: string }[]).map((item) => item.provider)).toEqual([
        'api-stream',
      ]);
      const revoked = await growth.get('/v1/credentials?status=revoked');
      expect(revoked.body.items).toEqual([]);
      const firstPage = await growth.get('/v1/credentials?limit=1');
      expect(firstPage.body.items).toHaveLength(1);
      const secondPage = await growth.get(
        `/v1/credentials?limit=1&cursor=${firstPage.body.nextCursor}`,
      );
      expect(secondPage.body.items[0].id).not.toBe(firstPage.body.items[0].id);
    });

    it('limits a key to its providers: hidden from lists, 403 on direct reads', async () => {
      const meshOnly = await createClient(gateway, { team: 'growth', providers: ['mesh'] });
      secrets.add(meshOnly.apiKey);
      const client = new HttpClient(gateway.baseUrl, meshOnly.apiKey);
      const listed = await client.get('/v1/credentials?limit=200');
      expect(
        (listed.body.items as { provider: string }[]).every((item) => item.provider === 'mesh'),
      ).toBe(true);
      const streamCredential = (await growth.get('/v1/credentials?provider=api-stream')).body
        .items[0];
      const answer = await client.get(`/v1/credentials/${streamCredential.id}/token`);
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('forbidden');
    });

    it('requires tokens:read to read and credentials:write to delete', async () => {
      const writer = await createClient(gateway, { team: 'growth', scopes: ['credentials:write'] });
      const reader = await createClient(gateway, { team: 'growth', scopes: ['tokens:read'] });
      secrets.add(writer.apiKey).add(reader.apiKey);
      expect(
        (
          await new HttpClient(gateway.baseUrl, writer.apiKey).get(
            `/v1/credentials/${own.credential.id}/token`,
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await new HttpClient(gateway.baseUrl, reader.apiKey).delete(
            `/v1/credentials/${own.credential.id}`,
          )
        ).status,
      ).toBe(403);
      expect((await growth.get(`/v1/credentials/${own.credential.id}`)).body.status).toBe('active');
    });

    it('refuses malformed ids and filters with 400', async () => {
      expect((await growth.get('/v1/credentials/not-a-uuid')).status).toBe(400);
      expect((await growth.get('/v1/credentials?status=sleeping')).status).toBe(400);
      expect((await growth.get(`/v1/credentials?userId=${'x'.repeat(257)}`)).status).toBe(400);
      expect((await growth.delete(`/v1/users/${encodeURIComponent('x'.repeat(257))}`)).status).toBe(
        400,
      );
    });
  });

  describe('deleting', () => {
    it("answers 404 for another team's credential and changes nothing", async () => {
      const { credential, accessToken } = await seed('rival', { userId: 'carol' });
      expect((await growth.delete(`/v1/credentials/${credential.id}`)).status).toBe(404);
      expect((await rival.get(`/v1/credentials/${credential.id}/token`)).body.accessToken).toBe(
        accessToken,
      );
    });

    it('erases the data key and ciphertexts, keeps the metadata as revoked', async () => {
      const { credential } = await seed('growth', { userId: 'dave' });
      const deleted = await growth.delete(`/v1/credentials/${credential.id}`);
      expect(deleted.status).toBe(204);
      const [row] = await queryDatabase<Record<string, unknown>>(
        gateway.database.url,
        'SELECT * FROM credentials WHERE id = $1',
        [credential.id],
      );
      expect(row).toMatchObject({
        status: 'revoked',
        encrypted_access_token: null,
        encrypted_refresh_token: null,
        wrapped_data_key: null,
        data_key_id: null,
      });
      expect((await growth.get(`/v1/credentials/${credential.id}`)).body.status).toBe('revoked');
      const token = await growth.get(`/v1/credentials/${credential.id}/token`);
      expect(token.status).toBe(409);
      expect(token.body.code).toBe('conflict');
      expect((await growth.delete(`/v1/credentials/${credential.id}`)).status).toBe(204);
    });

    it("deletes every credential of one user of the caller's team only", async () => {
      const mine = await Promise.all([
        seed('growth', { userId: 'erin', provider: 'mesh', accountKey: 'a' }),
        seed('growth', { userId: 'erin', provider: 'mesh', accountKey: 'b' }),
      ]);
      const sameUserOtherTeam = await seed('rival', { userId: 'erin' });
      const otherUser = await seed('growth', { userId: 'frank' });
      expect((await growth.delete('/v1/users/erin')).status).toBe(204);
      for (const { credential } of mine) {
        expect((await growth.get(`/v1/credentials/${credential.id}`)).body.status).toBe('revoked');
      }
      expect(
        (await rival.get(`/v1/credentials/${sameUserOtherTeam.credential.id}`)).body.status,
      ).toBe('active');
      expect((await growth.get(`/v1/credentials/${otherUser.credential.id}`)).body.status).toBe(
        'active',
      );
      expect((await growth.delete('/v1/users/nobody-here')).status).toBe(204);
    });
  });

  describe('admin', () => {
    it('lists across teams with filters, metadata only', async () => {
      const { credential, accessToken } = await seed('rival', {
        userId: 'gina',
        provider: 'api-stream',
        expiresInSeconds: 30,
      });
      const listed = await gateway.admin.get(
        '/admin/credentials?team=rival&provider=api-stream&expiringWithinSeconds=60',
      );
      expect(listed.status).toBe(200);
      expect((listed.body.items as { id: string; team: string }[]).map((item) => item.id)).toEqual([
        credential.id,
      ]);
      expect(listed.body.items[0].team).toBe('rival');
      expect(listed.text).not.toContain(accessToken);
      const none = await gateway.admin.get(
        '/admin/credentials?team=rival&provider=api-stream&expiringWithinSeconds=10',
      );
      expect(none.body.items).toEqual([]);
    });

    it('deletes any credential', async () => {
      const { credential } = await seed('rival', { userId: 'hank' });
      expect((await gateway.admin.delete(`/admin/credentials/${credential.id}`)).status).toBe(204);
      expect((await rival.get(`/v1/credentials/${credential.id}`)).body.status).toBe('revoked');
      expect(
        (await gateway.admin.delete('/admin/credentials/00000000-0000-4000-8000-000000000000'))
          .status,
      ).toBe(404);
    });

    it('does not let a team key reach admin routes', async () => {
      expect((await growth.get('/admin/credentials')).status).toBe(403);
      expect((await growth.get('/admin/audit')).status).toBe(403);
    });
  });

  describe('audit', () => {
    it('records issue, read and revoke with the actor, never a token', async () => {
      const { credential, accessToken, refreshToken } = await seed('growth', { userId: 'iris' });
      await growth.get(`/v1/credentials/${credential.id}/token`);
      await growth.delete(`/v1/credentials/${credential.id}`);
      const events = await waitFor('the read to be audited', async () => {
        const answer = await gateway.admin.get(`/admin/audit?credentialId=${credential.id}`);
        const actions = (answer.body.items as { action: string }[]).map((item) => item.action);
        return actions.includes('credential.read') ? answer : undefined;
      });
      const actions = (events.body.items as { action: string }[]).map((item) => item.action);
      expect(actions).toEqual(['credential.revoked', 'credential.read', 'credential.stored']);
      const read = events.body.items[1];
      expect(read).toMatchObject({
        team: 'growth',
        userId: 'iris',
        provider: 'mesh',
        outcome: 'success',
      });
      expect(read.actor).toMatchObject({ kind: 'client', team: 'growth', name: 'growth-client' });
      expect(events.text).not.toContain(accessToken);
      expect(events.text).not.toContain(refreshToken);
      const revokes = await gateway.admin.get('/admin/audit?team=growth&action=credential.revoked');
      expect(
        (revokes.body.items as { action: string }[]).every(
          (item) => item.action === 'credential.revoked',
        ),
      ).toBe(true);
      expect((await gateway.admin.get('/admin/audit?action=credential.exploded')).status).toBe(400);
    });

    it('records admin client actions', async () => {
      const created = await createClient(gateway, { team: 'audited' });
      secrets.add(created.apiKey);
      await gateway.admin
        .post(`/admin/clients/${created.id}/rotate`)
        .then((answer) => secrets.add(answer.body.apiKey));
      await gateway.admin.delete(`/admin/clients/${created.id}`);
      const events = await gateway.admin.get('/admin/audit?team=audited');
      expect((events.body.items as { action: string }[]).map((item) => item.action)).toEqual([
        'client.deleted',
        'client.key_rotated',
        'client.created',
      ]);
      for (const secret of secrets) {
        expect(events.text).not.toContain(secret);
      }
    });
  });
});
