import { randomBytes } from 'node:crypto';
import { FakeMesh } from '@keyhouse/sandbox';
import {
  AppProcess,
  createTestDatabase,
  HttpClient,
  type TestDatabase,
  waitFor,
} from '@keyhouse/testing';
import { verify } from 'jsonwebtoken';

const ADMIN_KEY = `live-admin-${randomBytes(24).toString('base64url')}`;
const CHAT_OLD = 'chat-secret-before-0123456789abcdef';
const CHAT_NEW = 'chat-secret-after-fedcba9876543210';
const MESH_OLD = 'mesh-secret-before-0123456789';
const MESH_NEW = 'mesh-secret-after-9876543210';

/** Within 5 s of the PATCH, every process uses the new key; nothing restarts. */
const IN_FORCE_MS = 5_000;

describe('A live key change reaches three running gateways', () => {
  const mesh = new FakeMesh({ clientId: 'live-mesh', clientSecret: MESH_OLD });
  let database: TestDatabase;
  let processes: AppProcess[];

  beforeAll(async () => {
    const meshUrl = await mesh.start();
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      SANDBOX: 'false',
      REFRESH_ENABLED: 'false',
      // The periodic re-read is far off: what carries the change here is LISTEN/NOTIFY.
      INTEGRATIONS_RELOAD_MS: '600000',
    };
    processes = [];
    for (let index = 0; index < 3; index++) {
      // One after another: the first runs the migrations, the others find them done.
      const process = await AppProcess.start('gateway', env);
      await process.waitUntilReady();
      processes.push(process);
    }
    const admin = new HttpClient(processes[0].baseUrl, ADMIN_KEY);
    const chat = await admin.post('/admin/integrations', {
      provider: 'stream-chat',
      name: 'live chat',
      teams: ['live'],
      settings: { baseUrl: 'http://127.0.0.1:9', apiKey: 'live-chat' },
      secrets: { apiSecret: CHAT_OLD },
    });
    const meshIntegration = await admin.post('/admin/integrations', {
      provider: 'mesh',
      name: 'live mesh',
      teams: ['live'],
      settings: { baseUrl: meshUrl, clientId: 'live-mesh' },
      secrets: { clientSecret: MESH_OLD },
    });
    expect([chat.status, meshIntegration.status]).toEqual([201, 201]);
    ids.chat = chat.body.id;
    ids.mesh = meshIntegration.body.id;
    const client = await admin.post('/admin/clients', {
      name: 'live',
      team: 'live',
      scopes: ['tokens:issue', 'tokens:read', 'credentials:write'],
      providers: ['*'],
    });
    apiKey = client.body.apiKey;
  }, 120_000);

  afterAll(async () => {
    for (const process of processes) {
      const logs = process.logs();
      for (const secret of [CHAT_OLD, CHAT_NEW, MESH_OLD, MESH_NEW, apiKey]) {
        expect(logs).not.toContain(secret);
      }
    }
    await Promise.all(processes.map((process) => process.stop()));
    await mesh.stop();
    await database.drop();
  });

  const ids: { chat?: string; mesh?: string } = {};
  let apiKey = '';
  const clients = () => processes.map((process) => new HttpClient(process.baseUrl, apiKey));
  const signedWith = (token: string, secret: string): boolean => {
    try {
      verify(token, secret, { algorithms: ['HS256'] });
      return true;
    } catch {
      return false;
    }
  };

  it('signs with a rotated Stream Chat secret in every process within 5 s, with no 500', async () => {
    // Every process knows the integration (it arrived by NOTIFY) and signs with the old key.
    for (const client of clients()) {
      const minted = await waitFor('the new integration', async () => {
        const answer = await client.post('/v1/stream-chat/tokens', { userId: 'ann' });
        return answer.status === 200 ? answer : undefined;
      });
      expect(signedWith(minted.body.token, CHAT_OLD)).toBe(true);
    }
    const pids = processes.map((process) => process.pid);
    const statuses: number[] = [];
    let hammering = true;
    const hammer = (async () => {
      while (hammering) {
        const answers = await Promise.all(
          clients().map((client) => client.post('/v1/stream-chat/tokens', { userId: 'ann' })),
        );
        statuses.push(...answers.map((answer) => answer.status));
      }
    })();

    const admin = new HttpClient(processes[1].baseUrl, ADMIN_KEY);
    const started = Date.now();
    const patched = await admin.patch(`/admin/integrations/${ids.chat}`, {
      secrets: { apiSecret: CHAT_NEW },
    });
    expect(patched.status).toBe(200);
    await Promise.all(
      clients().map((client) =>
        waitFor(
          'the new secret',
          async () => {
            const answer = await client.post('/v1/stream-chat/tokens', { userId: 'ann' });
            return answer.status === 200 && signedWith(answer.body.token, CHAT_NEW);
          },
          { timeoutMs: IN_FORCE_MS, intervalMs: 20 },
        ),
      ),
    );
    expect(Date.now() - started).toBeLessThan(IN_FORCE_MS);
    hammering = false;
    await hammer;
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(processes.map((process) => process.pid)).toEqual(pids);
    expect(processes.every((process) => process.running)).toBe(true);
  });

  it('refreshes a credential minted before the change with the integration’s current keys', async () => {
    const [first, second, third] = clients();
    const link = await first.post('/v1/mesh/link-tokens', { userId: 'bea' });
    expect(link.status).toBe(200);
    const payload = mesh.connectAccount({ linkToken: link.body.linkToken });
    const stored = await second.post('/v1/mesh/connections', { userId: 'bea', payload });
    expect(stored.status).toBe(201);
    const [credential] = stored.body.items as { id: string }[];

    mesh.rotateClientSecret(MESH_NEW);
    const admin = new HttpClient(processes[2].baseUrl, ADMIN_KEY);
    const patched = await admin.patch(`/admin/integrations/${ids.mesh}`, {
      secrets: { clientSecret: MESH_NEW },
    });
    expect(patched.status).toBe(200);
    for (const process of processes) {
      const processAdmin = new HttpClient(process.baseUrl, ADMIN_KEY);
      const refreshed = await waitFor(
        'a refresh with the new secret',
        async () => {
          const answer = await processAdmin.post(`/admin/credentials/${credential.id}/refresh`, {});
          return answer.status === 200 ? answer : undefined;
        },
        { timeoutMs: IN_FORCE_MS, intervalMs: 50 },
      );
      expect(refreshed.status).toBe(200);
    }
    const refreshes = mesh.requestsTo('/api/v1/token/refresh');
    expect(refreshes.at(-1)?.headers['x-client-secret']).toBe(MESH_NEW);
    const read = await third.get(`/v1/credentials/${credential.id}/token`);
    expect(read.status).toBe(200);
    expect(mesh.isAccessTokenValid(read.body.accessToken)).toBe(true);
  });
});
