import { randomUUID } from 'node:crypto';
import { EventsRepository } from '@keyhouse/events';
import {
  createClient,
  type GatewayHarness,
  HttpClient,
  queryDatabase,
  seedCredential,
  startGateway,
  waitFor,
} from '@keyhouse/testing';
import { Client } from 'pg';

interface FeedItem {
  id: string;
  type: string;
  occurredAt: string;
  team: string;
  data: Record<string, unknown>;
}

/** /v1/events: a team's events in commit order, with a cursor that never skips a late commit. */
describe('event feed', () => {
  let gateway: GatewayHarness;
  let reader: HttpClient;
  let rival: HttpClient;
  let noScope: HttpClient;
  const clients: Client[] = [];

  const connect = async (): Promise<Client> => {
    const client = new Client({ connectionString: gateway.database.url });
    await client.connect();
    clients.push(client);
    return client;
  };

  /** A raw event row, written the way the outbox writes them. */
  const insertEvent = async (client: Client, team: string, label: string): Promise<string> => {
    const id = randomUUID();
    await client.query(
      `INSERT INTO events (id, xact_id, team, type, occurred_at, data)
       VALUES ($1, pg_current_xact_id()::text::bigint, $2, 'webhook.test', now(), jsonb_build_object('label', $3::text))`,
      [id, team, label],
    );
    return id;
  };

  const page = async (client: HttpClient, query = '') => {
    const answer = await client.get<{ items: FeedItem[]; nextCursor: string | null }>(
      `/v1/events${query}`,
    );
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    gateway = await startGateway();
    const make = async (team: string, scopes: string[]) =>
      new HttpClient(gateway.baseUrl, (await createClient(gateway, { team, scopes })).apiKey);
    reader = await make('feed', ['events:read']);
    rival = await make('rival', ['events:read']);
    noScope = await make('feed', ['tokens:read']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await gateway.close();
  });

  it('holds back what commits later, and the next page includes it', async () => {
    const first = await insertEvent(await connect(), 'feed', 'first');
    const firstPage = await waitFor('the first event in the feed', async () => {
      const body = await page(reader);
      return body.items.some((item) => item.id === first) && body;
    });
    const cursor = firstPage.nextCursor!;
    expect(cursor).toEqual(expect.any(String));

    // A inserts and stays open; B inserts after it and commits first.
    const a = await connect();
    await a.query('BEGIN');
    const late = await insertEvent(a, 'feed', 'A');
    const early = await insertEvent(await connect(), 'feed', 'B');

    // While A is open, the reader sees neither: B's position is past A's, and A might commit.
    const during = await page(reader, `?cursor=${cursor}`);
    expect(during.items.map((item) => item.id)).toEqual([]);
    expect(during.nextCursor).toBe(cursor);

    await a.query('COMMIT');
    const after = await waitFor('both events after A commits', async () => {
      const body = await page(reader, `?cursor=${during.nextCursor}`);
      return body.items.length >= 2 && body;
    });
    expect(after.items.map((item) => item.id)).toEqual([late, early]);
    expect(after.items[0]).toMatchObject({
      type: 'webhook.test',
      team: 'feed',
      data: { label: 'A' },
    });
    // Reading on from there: nothing is repeated.
    expect((await page(reader, `?cursor=${after.nextCursor}`)).items).toEqual([]);
  });

  it('a rolled-back event never appears', async () => {
    const client = await connect();
    const before = await page(reader);
    await client.query('BEGIN');
    const ghost = await insertEvent(client, 'feed', 'ghost');
    await client.query('ROLLBACK');
    const marker = await insertEvent(await connect(), 'feed', 'marker');
    const body = await waitFor('the marker', async () => {
      const answer = await page(reader, `?cursor=${before.nextCursor}`);
      return answer.items.some((item) => item.id === marker) && answer;
    });
    expect(body.items.map((item) => item.id)).not.toContain(ghost);
  });

  it('pages with limit and filters by type, and shows only the caller team', async () => {
    const credential = await seedCredential(gateway, { team: 'feed', userId: 'dora' });
    await seedCredential(gateway, { team: 'rival', userId: 'dora' });
    const created = await waitFor('the created event', async () => {
      const body = await page(reader, '?types=credential.created,credential.revoked');
      return body.items.length > 0 && body;
    });
    expect(created.items.map((item) => item.type)).toEqual(['credential.created']);
    expect(created.items[0].data).toMatchObject({ id: credential.id, userId: 'dora' });

    const all: string[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < 20; round++) {
      const body = await page(reader, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.items.length).toBeLessThanOrEqual(2);
      all.push(...body.items.map((item) => item.id));
      if (body.items.length === 0) {
        break;
      }
      cursor = body.nextCursor;
    }
    const stored = await queryDatabase<{ id: string }>(
      gateway.database.url,
      `SELECT id FROM events WHERE team = 'feed' ORDER BY xact_id, position`,
    );
    expect(all).toEqual(stored.map((row) => row.id));

    const theirs = await page(rival);
    expect(theirs.items.length).toBeGreaterThan(0);
    expect(theirs.items.every((item) => item.team === 'rival')).toBe(true);
  });

  it('refuses a bad cursor, an unknown type, a bad limit, and a key without events:read', async () => {
    for (const query of [
      '?cursor=not-a-cursor',
      '?types=credential.exploded',
      '?limit=0',
      '?limit=201',
    ]) {
      const answer = await reader.get(`/v1/events${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
    }
    expect((await noScope.get('/v1/events')).status).toBe(403);
    expect((await gateway.http.get('/v1/events')).status).toBe(401);
  });

  it('sweeps events older than the retention in batches', async () => {
    const client = await connect();
    const old = [];
    for (let index = 0; index < 5; index++) {
      old.push(await insertEvent(client, 'feed', `old-${index}`));
    }
    await client.query(
      `UPDATE events SET occurred_at = now() - interval '31 days' WHERE id = ANY($1::uuid[])`,
      [old],
    );
    const repository = gateway.app.get(EventsRepository);
    expect(await repository.sweepOlderThan(30, 2)).toBe(2);
    expect(await repository.sweepOlderThan(30, 2)).toBe(2);
    expect(await repository.sweepOlderThan(30, 2)).toBe(1);
    expect(await repository.sweepOlderThan(30, 2)).toBe(0);
    const left = await queryDatabase(
      gateway.database.url,
      `SELECT 1 FROM events WHERE id = ANY($1::uuid[])`,
      [old],
    );
    expect(left).toHaveLength(0);
    expect(
      (await queryDatabase(gateway.database.url, `SELECT 1 FROM events`)).length,
    ).toBeGreaterThan(0);
  });
});
