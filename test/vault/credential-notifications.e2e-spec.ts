import {
  createTestDatabase,
  queryDatabase,
  seedCredential,
  startGateway,
  type GatewayHarness,
  type TestDatabase,
} from '@keyhouse/testing';
import { CREDENTIALS_CHANNEL } from '@keyhouse/vault';
import { Client, type Notification } from 'pg';

/** Columns that change on the read path or under a refresh lease: they notify nobody. */
const QUIET_COLUMNS = [
  'last_read_at',
  'lease_owner',
  'lease_expires_at',
  'lease_token',
  'version',
  'updated_at',
];

/**
 * The credentials trigger (see the NotifyCredentialChangesByColumn migration) names the
 * columns whose change notifies every process's cached rows. It must name every column of
 * the table but the quiet ones, or a change to a column added later would leave stale rows
 * in memory.
 */
describe('credential change notifications', () => {
  let database: TestDatabase;
  let gateway: GatewayHarness;
  let listener: Client;
  const received: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGateway({ database });
    listener = new Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', (message: Notification) => received.push(message.payload ?? ''));
    await listener.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
    await gateway.close();
    await database.drop();
  });

  /** What the channel carried from `change`, up to a marker notified after it. */
  async function notifiedBy(change: () => Promise<unknown>): Promise<string[]> {
    received.length = 0;
    await change();
    await queryDatabase(database.url, `SELECT pg_notify($1, 'marker')`, [CREDENTIALS_CHANNEL]);
    // Notifications arrive in commit order, each before the answer to a later query.
    while (!received.includes('marker')) {
      await listener.query('SELECT 1');
    }
    return received.slice(0, received.indexOf('marker'));
  }

  it('compares every column of the table but the quiet ones', async () => {
    const columns = await queryDatabase<{ column_name: string }>(
      database.url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'credentials'`,
    );
    const [{ definition }] = await queryDatabase<{ definition: string }>(
      database.url,
      `SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger
        WHERE tgname = 'credentials_notify_update'`,
    );
    const compared = [...definition.matchAll(/\bold\.(\w+)/gi)].map((match) => match[1]);
    const expected = columns
      .map((column) => column.column_name)
      .filter((column) => !QUIET_COLUMNS.includes(column));
    expect([...compared].sort()).toEqual([...expected].sort());
  });

  it('notifies a change of a compared column, and not one of the quiet columns alone', async () => {
    const credential = await seedCredential(gateway, { team: 'notify' });
    const id = credential.id;
    expect(
      await notifiedBy(() =>
        queryDatabase(
          database.url,
          `UPDATE credentials SET last_read_at = now(), lease_token = lease_token + 1,
             version = version + 1, updated_at = now() WHERE id = $1`,
          [id],
        ),
      ),
    ).toEqual([]);
    expect(
      await notifiedBy(() =>
        queryDatabase(
          database.url,
          `UPDATE credentials SET metadata = metadata || '{"probe": true}' WHERE id = $1`,
          [id],
        ),
      ),
    ).toEqual([id]);
    expect(
      await notifiedBy(() =>
        queryDatabase(database.url, `UPDATE credentials SET last_error = 'probe' WHERE id = $1`, [
          id,
        ]),
      ),
    ).toEqual([id]);
  });
});
