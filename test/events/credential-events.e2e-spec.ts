import { systemActor } from '@keyhouse/audit';
import {
  createClient,
  fakeToken,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  seedCredential,
  startGateway,
} from '@keyhouse/testing';
import { CredentialLeases, CredentialRevocation, type LeasedCredential } from '@keyhouse/vault';

const ACTOR = systemActor('events-test');
const OWNER = 'events-test-owner';

interface StoredEvent {
  type: string;
  team: string;
  data: Record<string, unknown>;
}

/**
 * Every credential state change writes exactly one event of its type, in the same
 * transaction: a change that fails after its event was inserted leaves neither.
 */
describe('credential events', () => {
  let gateway: GatewayHarness;
  let growth: HttpClient;
  const tokens = new Set<string>();

  const eventsOf = (credentialId: string) =>
    queryDatabase<StoredEvent>(
      gateway.database.url,
      `SELECT type, team, data FROM events WHERE data->>'id' = $1 ORDER BY position`,
      [credentialId],
    );

  const seed = async (userId: string, accountKey = 'acct-1', expiresInSeconds = 3_600) => {
    const accessToken = fakeToken('access');
    const refreshToken = fakeToken('refresh');
    tokens.add(accessToken).add(refreshToken);
    return seedCredential(gateway, {
      team: 'growth',
      userId,
      accountKey,
      accessToken,
      refreshToken,
      expiresInSeconds,
      metadata: { brokerType: 'robinhood' },
    });
  };

  const claim = async (id: string): Promise<LeasedCredential> => {
    const claimed = await gateway.app.get(CredentialLeases).claimOne(id, OWNER, 60);
    if (!claimed) {
      throw new Error('could not claim the credential');
    }
    return claimed;
  };

  beforeAll(async () => {
    gateway = await startGateway();
    const client = await createClient(gateway, {
      team: 'growth',
      scopes: ['tokens:read', 'credentials:write', 'events:read'],
    });
    growth = new HttpClient(gateway.baseUrl, client.apiKey);
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('writes credential.created with the metadata view, never a token; replacing live tokens writes none', async () => {
    const credential = await seed('alice');
    const events = await eventsOf(credential.id);
    expect(events.map((event) => event.type)).toEqual(['credential.created']);
    const view = await growth.get(`/v1/credentials/${credential.id}`);
    expect(view.status).toBe(200);
    expect(events[0].data).toEqual(view.body);
    expect(events[0].team).toBe('growth');

    await seed('alice');
    expect((await eventsOf(credential.id)).map((event) => event.type)).toEqual([
      'credential.created',
    ]);
    const everything = JSON.stringify(
      await queryDatabase(gateway.database.url, `SELECT data FROM events`),
    );
    for (const token of tokens) {
      expect(everything).not.toContain(token);
    }
  });

  it('writes needs_reauth, recovered, expired, recovered and revoked, one each, with the reason', async () => {
    const leases = gateway.app.get(CredentialLeases);
    const credential = await seed('bob');

    expect(await leases.markNeedsReauth(await claim(credential.id), 'invalid_grant', ACTOR)).toBe(
      'written',
    );
    await seed('bob');
    expect(await leases.markExpired(await claim(credential.id), 'cannot_refresh', ACTOR)).toBe(
      'written',
    );
    await seed('bob');
    const revoked = await growth.delete(`/v1/credentials/${credential.id}`);
    expect(revoked.status).toBe(204);

    const events = await eventsOf(credential.id);
    expect(events.map((event) => event.type)).toEqual([
      'credential.created',
      'credential.needs_reauth',
      'credential.recovered',
      'credential.expired',
      'credential.recovered',
      'credential.revoked',
    ]);
    expect(events[1].data).toMatchObject({ status: 'needs_reauth', reason: 'invalid_grant' });
    expect(events[2].data).toMatchObject({ status: 'active' });
    expect(events[2].data).not.toHaveProperty('reason');
    expect(events[3].data).toMatchObject({ status: 'expired', reason: 'cannot_refresh' });
    expect(events[5].data).toMatchObject({ status: 'revoked' });
  });

  it('writes refresh_failing once, when the next retry is the last chance before expiry', async () => {
    const leases = gateway.app.get(CredentialLeases);
    const credential = await seed('carol', 'acct-1', 120);
    const expiresAt = credential.expiresAt!.getTime();

    // A retry well before expiry: failures so far need not reach it.
    await leases.failTransiently(
      await claim(credential.id),
      'upstream_unavailable',
      new Date(expiresAt - 60_000),
      ACTOR,
    );
    expect((await eventsOf(credential.id)).map((event) => event.type)).toEqual([
      'credential.created',
    ]);
    // The retry lands at the last chance: one more failure and the token expires.
    await leases.failTransiently(
      await claim(credential.id),
      'upstream_unavailable',
      new Date(expiresAt - 5_000),
      ACTOR,
    );
    // That last retry fails too: already reported, no second event.
    await leases.failTransiently(
      await claim(credential.id),
      'upstream_unavailable',
      new Date(expiresAt + 10_000),
      ACTOR,
    );
    const events = await eventsOf(credential.id);
    expect(events.map((event) => event.type)).toEqual([
      'credential.created',
      'credential.refresh_failing',
    ]);
    expect(events[1].data).toMatchObject({ status: 'active', reason: 'upstream_unavailable' });
  });

  describe('in the same transaction', () => {
    beforeAll(async () => {
      // Test-only: refuses an event row after it was inserted, for users named doomed-*.
      await queryDatabase(
        gateway.database.url,
        `CREATE FUNCTION refuse_doomed_event() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.data->>'userId' LIKE 'doomed-' || replace(NEW.type, 'credential.', '') THEN
             RAISE EXCEPTION 'refused by test trigger';
           END IF;
           RETURN NEW;
         END $$`,
      );
      await queryDatabase(
        gateway.database.url,
        `CREATE TRIGGER refuse_doomed_event AFTER INSERT ON events
           FOR EACH ROW EXECUTE FUNCTION refuse_doomed_event()`,
      );
    });

    afterAll(async () => {
      await queryDatabase(gateway.database.url, `DROP TRIGGER refuse_doomed_event ON events`);
    });

    const stateOf = async (id: string) =>
      (
        await queryDatabase<{ status: string; last_error: string | null }>(
          gateway.database.url,
          `SELECT status, last_error FROM credentials WHERE id = $1`,
          [id],
        )
      )[0];

    it('a store whose event fails leaves no credential', async () => {
      await expect(seed('doomed-created')).rejects.toThrow(/refused by test trigger/);
      const rows = await queryDatabase(
        gateway.database.url,
        `SELECT 1 FROM credentials WHERE user_id = 'doomed-created'`,
      );
      expect(rows).toHaveLength(0);
      const events = await queryDatabase(
        gateway.database.url,
        `SELECT 1 FROM events WHERE data->>'userId' = 'doomed-created'`,
      );
      expect(events).toHaveLength(0);
    });

    it('a needs_reauth, expired or refresh_failing whose event fails leaves the credential as it was', async () => {
      const leases = gateway.app.get(CredentialLeases);
      for (const [userId, change] of [
        [
          'doomed-needs_reauth',
          (held: LeasedCredential) => leases.markNeedsReauth(held, 'invalid_grant', ACTOR),
        ],
        [
          'doomed-expired',
          (held: LeasedCredential) => leases.markExpired(held, 'cannot_refresh', ACTOR),
        ],
        [
          'doomed-refresh_failing',
          (held: LeasedCredential) =>
            leases.failTransiently(
              held,
              'upstream_unavailable',
              new Date(held.credential.expiresAt!.getTime()),
              ACTOR,
            ),
        ],
      ] as const) {
        const credential = await seed(userId);
        await expect(change(await claim(credential.id))).rejects.toThrow(/refused by test trigger/);
        expect(await stateOf(credential.id)).toEqual({ status: 'active', last_error: null });
        expect((await eventsOf(credential.id)).map((event) => event.type)).toEqual([
          'credential.created',
        ]);
      }
    });

    it('a revocation whose event fails leaves the credential live', async () => {
      const credential = await seed('doomed-revoked');
      await expect(
        gateway.app.get(CredentialRevocation).revokeForTeam('growth', credential.id, ACTOR),
      ).rejects.toThrow(/refused by test trigger/);
      expect((await stateOf(credential.id))?.status).toBe('active');
      const token = await growth.get(`/v1/credentials/${credential.id}/token`);
      expect(token.status).toBe(200);
      expect((await eventsOf(credential.id)).map((event) => event.type)).toEqual([
        'credential.created',
      ]);
    });
  });
});
