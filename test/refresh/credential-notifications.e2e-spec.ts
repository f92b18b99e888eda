import { CREDENTIALS_CHANNEL } from '@keyhouse/vault';
import {
  type GatewayHarness,
  queryDatabase,
  seedCredential,
  startGateway,
  waitFor,
} from '@keyhouse/testing';
import { Client } from 'pg';
import { NOTIFYING_CREDENTIAL_COLUMNS } from '../../migrations/1796300000000-NotifyCredentialChangesByColumn';

/** The columns whose change tells nobody: read and lease bookkeeping. */
const QUIET_COLUMNS = [
  'last_read_at',
  'lease_owner',
  'lease_expires_at',
  'lease_token',
  'version',
  'updated_at',
];

/**
 * The `credentials` update trigger: every process holding rows in memory hears of each
 * change but the lease and read ones, and the lease statements (a claim per batch, an
 * extension per heartbeat) do not even evaluate its condition.
 */
describe('credential change notifications', () => {
  let gateway: GatewayHarness;
  let listener: Client;
  const heard: string[] = [];

  beforeAll(async () => {
    gateway = await startGateway();
    listener = new Client({ connectionString: gateway.database.url });
    await listener.connect();
    listener.on('notification', (message) => heard.push(message.payload ?? ''));
    await listener.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
    await gateway.close();
  });

  const seed = async () => (await seedCredential(gateway, { team: 'growth' })).id;
  const sql = (statement: string, params: unknown[]) =>
    queryDatabase(gateway.database.url, statement, params);

  /**
   * Runs `change` on one row, then a change that notifies on another: notifications arrive
   * in commit order, so once the second is heard, any from the first would have been too.
   */
  async function heardOf(change: (id: string) => Promise<unknown>): Promise<string[]> {
    const [watched, marker] = [await seed(), await seed()];
    heard.length = 0;
    await change(watched);
    await sql(`UPDATE credentials SET attempts = attempts + 1 WHERE id = $1`, [marker]);
    await waitFor('the marker change to be heard', () => heard.includes(marker));
    return heard.filter((id) => id === watched);
  }

  it('watches every column of the table but the lease and read ones', async () => {
    const columns = await sql(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'credentials'`,
      [],
    );
    const watched = columns
      .map((row) => (row as { column_name: string }).column_name)
      .filter((column) => !QUIET_COLUMNS.includes(column));
    expect([...NOTIFYING_CREDENTIAL_COLUMNS].sort()).toEqual(watched.sort());
  });

  it('is quiet for a claim, a lease extension and a read', async () => {
    expect(
      await heardOf((id) =>
        sql(
          `UPDATE credentials SET lease_owner = 'a-worker', lease_token = lease_token + 1,
             lease_expires_at = now() + interval '1 minute' WHERE id = $1`,
          [id],
        ),
      ),
    ).toEqual([]);
    expect(
      await heardOf((id) =>
        sql(`UPDATE credentials SET last_read_at = now(), version = version + 1 WHERE id = $1`, [
          id,
        ]),
      ),
    ).toEqual([]);
  });

  it('is quiet for a write that changes nothing it watches', async () => {
    expect(
      await heardOf((id) =>
        sql(`UPDATE credentials SET status = status, refresh_at = refresh_at WHERE id = $1`, [id]),
      ),
    ).toEqual([]);
  });

  it('notifies a change of tokens, schedule or status, once per row', async () => {
    for (const change of [
      `encrypted_access_token = '\\x00'::bytea`,
      `refresh_at = now()`,
      `status = 'needs_reauth'`,
      `metadata = metadata || '{"k": 1}'`,
    ]) {
      expect(
        await heardOf((id) => sql(`UPDATE credentials SET ${change} WHERE id = $1`, [id])),
      ).toHaveLength(1);
    }
  });
});
