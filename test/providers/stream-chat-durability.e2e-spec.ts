import { randomBytes } from 'node:crypto';
import { AppProcess, createTestDatabase, HttpClient, type TestDatabase } from '@keyhouse/testing';

const ADMIN_KEY = `mint-durability-admin-${randomBytes(24).toString('base64url')}`;
const MINTS = 24;

/**
 * A mint answers only once its stored token has committed: concurrent mints are stored in
 * grouped statements, and a gateway killed the moment they were answered has lost none.
 */
describe('Stream Chat mints are durable when answered', () => {
  let database: TestDatabase;
  const gateways: AppProcess[] = [];

  const start = async (): Promise<AppProcess> => {
    const gateway = await AppProcess.start('gateway', {
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      SANDBOX: 'false',
      REFRESH_ENABLED: 'false',
      STREAM_CHAT_API_KEY: 'durability-chat',
      STREAM_CHAT_API_SECRET: `durability-chat-secret-${randomBytes(16).toString('hex')}`,
    });
    gateways.push(gateway);
    await gateway.waitUntilReady();
    return gateway;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const gateway of gateways) {
      await gateway.stop('SIGKILL');
    }
    await database.drop();
  });

  it('keeps every answered token after the gateway is killed right after answering', async () => {
    const first = await start();
    const created = await new HttpClient(first.baseUrl, ADMIN_KEY).post('/admin/clients', {
      name: `durability-${randomBytes(3).toString('hex')}`,
      team: 'durable',
      scopes: ['tokens:issue', 'tokens:read'],
      providers: ['stream-chat'],
    });
    expect(created.status).toBe(201);
    const apiKey = created.body.apiKey as string;
    const users = Array.from({ length: MINTS }, (_, index) => `durable-${index}`);
    const mint = (userId: string) =>
      new HttpClient(first.baseUrl, apiKey).post('/v1/stream-chat/tokens', { userId });
    // Every user once (first stores), then again all at once (replacements).
    expect((await Promise.all(users.map(mint))).map((answer) => answer.status)).toEqual(
      Array(MINTS).fill(200),
    );
    const answers = await Promise.all(users.map(mint));
    expect(answers.map((answer) => answer.status)).toEqual(Array(MINTS).fill(200));
    await first.stop('SIGKILL');

    const second = new HttpClient((await start()).baseUrl, apiKey);
    for (const [index, userId] of users.entries()) {
      const listed = await second.get(`/v1/credentials?userId=${userId}&provider=stream-chat`);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(1);
      const read = await second.get(`/v1/credentials/${listed.body.items[0].id}/token`);
      expect(read.status).toBe(200);
      expect(read.body.accessToken).toBe(answers[index].body.token);
    }
  });
});
