import { randomBytes } from 'node:crypto';
import { systemActor } from '@keyhouse/audit';
import { isDatabaseUnavailable } from '@keyhouse/common';
import {
  fakeToken,
  type GatewayHarness,
  type ProxiedGateway,
  queryDatabase,
  seedCredential,
  startProxiedGateway,
  type TcpProxy,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';
import {
  type CredentialEntity,
  CredentialStoreRepository,
  CredentialVault,
  type StoreCredentialInput,
} from '@keyhouse/vault';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

const TEAM = 'grouping';
const ACTOR = systemActor('store-grouping-test');

/**
 * Stores made on their own (not inside a caller's transaction) are grouped: the stores that
 * arrive while the statements in flight are busy leave together, as one statement and one
 * commit, and each caller still hears only about its own row.
 */
describe('grouped credential stores', () => {
  let proxied: ProxiedGateway;
  let database: TestDatabase;
  let proxy: TcpProxy;
  let gateway: GatewayHarness;
  let vault: CredentialVault;
  let stores: CredentialStoreRepository;

  beforeAll(async () => {
    proxied = await startProxiedGateway({ env: { DATABASE_CONNECT_TIMEOUT_MS: '1000' } });
    ({ database, proxy, gateway } = proxied);
    vault = gateway.app.get(CredentialVault);
    stores = gateway.app.get(CredentialStoreRepository);
  });

  afterEach(() => proxy.restore());

  afterAll(() => proxied.stop());

  function storeInput(userId: string, accessToken = fakeToken('grouped')): StoreCredentialInput {
    return {
      owner: { team: TEAM, userId },
      provider: 'mesh',
      secrets: { accessToken, refreshToken: null },
      timing: {
        obtainedAt: new Date(),
        expiresInSeconds: 3_600,
        refreshTokenExpiresInSeconds: null,
        refreshAt: null,
      },
      actor: ACTOR,
      action: 'credential.stored',
    };
  }

  const newUser = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

  /** Backends of the test database waiting on a row lock. */
  async function waitingOnLocks(): Promise<number> {
    const [row] = await queryDatabase<{ count: number }>(
      database.url,
      `SELECT count(*)::int AS count FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return row.count;
  }

  /** Locks the rows of `ids` in another transaction, until `release`. */
  async function lockRows(ids: readonly string[]): Promise<{ release(): Promise<void> }> {
    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM credentials WHERE id = ANY($1::uuid[]) FOR UPDATE', [ids]);
    return {
      release: async () => {
        await locker.query('COMMIT');
        await locker.end();
      },
    };
  }

  /**
   * Keeps every statement slot busy: two credentials' rows locked by another transaction, and
   * a store of each sent (each its own statement, now waiting on its row). Until `release`,
   * every further store waits for a slot.
   */
  async function holdStatementSlots(): Promise<{ release(): Promise<void> }> {
    const held = [
      await seedCredential(gateway, { team: TEAM, userId: newUser('held') }),
      await seedCredential(gateway, { team: TEAM, userId: newUser('held') }),
    ];
    const locks = await lockRows(held.map((credential) => credential.id));
    const stuck: Promise<CredentialEntity>[] = [];
    for (const [index, credential] of held.entries()) {
      stuck.push(vault.store(storeInput(credential.userId)));
      await waitFor('the store to wait on its locked row', async () =>
        (await waitingOnLocks()) === index + 1 ? true : undefined,
      );
    }
    return {
      release: async () => {
        await locks.release();
        await Promise.all(stuck);
      },
    };
  }

  async function transactionsOf(ids: readonly string[]): Promise<string[]> {
    const rows = await queryDatabase<{ xmin: string }>(
      database.url,
      'SELECT xmin::text AS xmin FROM credentials WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return rows.map((row) => row.xmin);
  }

  it('writes the stores that waited together in one statement, each caller getting its own row', async () => {
    // Five accounts with a row already (replacements) and five without (first stores).
    const existing = await Promise.all(
      Array.from({ length: 5 }, () =>
        seedCredential(gateway, { team: TEAM, userId: newUser('again') }),
      ),
    );
    const users = [
      ...existing.map((credential) => credential.userId),
      ...Array.from({ length: 5 }, () => newUser('first')),
    ];
    const tokens = users.map(() => fakeToken('grouped'));
    const slots = await holdStatementSlots();
    const stored = users.map((userId, index) => vault.store(storeInput(userId, tokens[index])));
    await waitFor(
      'every store to wait for a statement',
      () => stores.storesWaiting === users.length,
    );
    await slots.release();
    const credentials = await Promise.all(stored);

    expect(credentials.map((credential) => credential.userId)).toEqual(users);
    expect(credentials.slice(0, 5).map((credential) => credential.id)).toEqual(
      existing.map((credential) => credential.id),
    );
    expect(new Set(credentials.map((credential) => credential.id)).size).toBe(users.length);
    const ids = credentials.map((credential) => credential.id);
    expect(new Set(await transactionsOf(ids)).size).toBe(1);
    for (const [index, credential] of credentials.entries()) {
      const read = await vault.readAccessToken(TEAM, credential.id, ACTOR);
      expect(read.accessToken).toBe(tokens[index]);
    }
    const audited = await queryDatabase<{ credential_id: string; replaced: boolean }>(
      database.url,
      `SELECT credential_id, (details->>'replaced')::boolean AS replaced FROM audit_events
        WHERE action = 'credential.stored' AND credential_id = ANY($1::uuid[])`,
      [ids],
    );
    const replacedById = new Map(audited.map((row) => [row.credential_id, [] as boolean[]]));
    for (const row of audited) {
      replacedById.get(row.credential_id)?.push(row.replaced);
    }
    // The seed's own audit row (a first store), then the grouped store's.
    for (const credential of credentials.slice(0, 5)) {
      expect(replacedById.get(credential.id)?.sort()).toEqual([false, true]);
    }
    for (const credential of credentials.slice(5)) {
      expect(replacedById.get(credential.id)).toEqual([false]);
    }
    const created = await queryDatabase<{ id: string; xact_id: string }>(
      database.url,
      `SELECT data->>'id' AS id, xact_id::text FROM events
        WHERE type = 'credential.created' AND data->>'id' = ANY($1::text[])`,
      [ids.slice(5)],
    );
    expect(created.map((event) => event.id).sort()).toEqual(ids.slice(5).sort());
    expect(new Set(created.map((event) => event.xact_id)).size).toBe(1);
  });

  it('stores again a grouped row that changed under it, as a recovery of an expired row', async () => {
    const expired = await seedCredential(gateway, { team: TEAM, userId: newUser('expired') });
    // Behind this process's back: its remembered live row still says active.
    await queryDatabase(database.url, `UPDATE credentials SET status = 'expired' WHERE id = $1`, [
      expired.id,
    ]);
    const beside = newUser('beside');
    const slots = await holdStatementSlots();
    const stored = [vault.store(storeInput(expired.userId)), vault.store(storeInput(beside))];
    await waitFor('every store to wait for a statement', () => stores.storesWaiting === 2);
    await slots.release();
    const [recovered, first] = await Promise.all(stored);

    expect({ id: recovered.id, status: recovered.status }).toEqual({
      id: expired.id,
      status: 'active',
    });
    expect(first.userId).toBe(beside);
    const events = await queryDatabase<{ type: string }>(
      database.url,
      `SELECT type FROM events WHERE data->>'id' = $1 ORDER BY occurred_at, type`,
      [expired.id],
    );
    expect(events.map((event) => event.type)).toEqual([
      'credential.created',
      'credential.recovered',
    ]);
  });

  it('recovers dead rows in one grouped statement, each with its event', async () => {
    const dead = await Promise.all(
      [newUser('dead'), newUser('dead')].map((userId) =>
        seedCredential(gateway, { team: TEAM, userId }),
      ),
    );
    await queryDatabase(
      database.url,
      `UPDATE credentials SET status = 'needs_reauth' WHERE id = ANY($1::uuid[])`,
      [dead.map((credential) => credential.id)],
    );
    const dataSource = gateway.app.get(DataSource);
    const slots = await holdStatementSlots();
    // Rows as the vault would write them for these accounts (ciphertext is opaque here).
    const recovered = dead.map((credential) =>
      stores.writeForStore(dataSource, {
        write: 'recover',
        id: credential.id,
        team: TEAM,
        userId: credential.userId,
        provider: credential.provider,
        accountKey: credential.accountKey,
        encryptedAccessToken: Buffer.from('opaque'),
        encryptedRefreshToken: null,
        obtainedAt: new Date(),
        expiresInSeconds: 3_600,
        expiresAt: new Date(Date.now() + 3_600_000),
        refreshTokenExpiresAt: null,
        refreshTokenExpiresInSeconds: null,
        refreshAt: null,
        integrationId: null,
        metadata: '{}',
        lastReadAt: null,
        status: 'needs_reauth',
        dataKeyId: credential.dataKeyId!,
        wrappedDataKey: credential.wrappedDataKey!,
        audit: { action: 'credential.stored', actor: ACTOR, replaced: true },
      }),
    );
    await waitFor('both stores to wait for a statement', () => stores.storesWaiting === 2);
    await slots.release();
    const rows = await Promise.all(recovered);

    expect(rows.map((row) => row?.status)).toEqual(['active', 'active']);
    const ids = dead.map((credential) => credential.id);
    expect(new Set(await transactionsOf(ids)).size).toBe(1);
    const events = await queryDatabase<{ id: string }>(
      database.url,
      `SELECT data->>'id' AS id FROM events WHERE type = 'credential.recovered'
          AND data->>'id' = ANY($1::text[])`,
      [ids],
    );
    expect(events.map((event) => event.id).sort()).toEqual([...ids].sort());
  });

  it('fails only the store whose row the database refuses, not the others grouped with it', async () => {
    const users = Array.from({ length: 6 }, () => newUser('fine'));
    // Longer than the column allows: the grouped statement fails because of this row alone.
    const tooLong = `too-long-${'x'.repeat(300)}`;
    const slots = await holdStatementSlots();
    const stored = [...users, tooLong].map((userId) => vault.store(storeInput(userId)));
    await waitFor(
      'every store to wait for a statement',
      () => stores.storesWaiting === users.length + 1,
    );
    await slots.release();
    const settled = await Promise.allSettled(stored);

    const refused = settled[users.length];
    expect(refused.status).toBe('rejected');
    expect(isDatabaseUnavailable((refused as PromiseRejectedResult).reason)).toBe(false);
    const fine = settled.slice(0, users.length);
    expect(fine.map((result) => result.status)).toEqual(Array(users.length).fill('fulfilled'));
    const rows = await queryDatabase<{ user_id: string }>(
      database.url,
      `SELECT user_id FROM credentials WHERE team = $1 AND user_id = ANY($2::text[])`,
      [TEAM, [...users, tooLong]],
    );
    expect(rows.map((row) => row.user_id).sort()).toEqual([...users].sort());
  });

  it('fails no other store of a group while one of its rows stays locked past the statement timeout', async () => {
    const locked = await seedCredential(gateway, { team: TEAM, userId: newUser('locked') });
    const besides = [newUser('beside'), newUser('beside')];
    const rowLock = await lockRows([locked.id]);
    const slots = await holdStatementSlots();
    const lockedStore = vault.store(storeInput(locked.userId));
    const besideStores = besides.map((userId) => vault.store(storeInput(userId)));
    await waitFor('every store to wait for a statement', () => stores.storesWaiting === 3);
    await slots.release();
    // The group waits on the locked row until statement_timeout, then goes row by row.
    const stored = await Promise.all(besideStores);
    expect(stored.map((credential) => credential.userId)).toEqual(besides);
    await rowLock.release();
    expect((await lockedStore).id).toBe(locked.id);
  });

  it('fails every store as database-unavailable (503) while the database is unreachable', async () => {
    const existing = await Promise.all(
      Array.from({ length: 4 }, () =>
        seedCredential(gateway, { team: TEAM, userId: newUser('outage') }),
      ),
    );
    proxy.cut();
    const settled = await Promise.allSettled(
      existing.map((credential) => vault.store(storeInput(credential.userId))),
    );
    for (const result of settled) {
      expect(result.status).toBe('rejected');
      expect(isDatabaseUnavailable((result as PromiseRejectedResult).reason)).toBe(true);
    }
    proxy.restore();
    const again = await waitFor('a store to succeed again', async () =>
      vault.store(storeInput(existing[0].userId)).catch(() => undefined),
    );
    expect(again.id).toBe(existing[0].id);
  });
});
