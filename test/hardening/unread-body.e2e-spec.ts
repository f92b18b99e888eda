import { randomBytes } from 'node:crypto';
import { AppProcess, createTestDatabase, rawRequest, type TestDatabase } from '@keyhouse/testing';

/**
 * A body nobody reads (a GET's, or one refused before parsing) used to be left on the
 * connection: when the client had asked to close, the close reset the connection over
 * those bytes and the answer was lost. The gateway runs as its own process here, so the
 * client's writes and the server's close race as they do in production.
 */
describe('answers over an unread request body', () => {
  let database: TestDatabase;
  let gateway: AppProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await AppProcess.start('gateway', {
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_KEY: `test-admin-${randomBytes(24).toString('base64url')}`,
      SANDBOX: 'false',
      REFRESH_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    });
    await gateway.waitUntilReady();
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it.each([
    ['a 1 MB body refused with 413', 'GET', '/metrics', 1_000_000, 413],
    ['a 1 MB body on a POST refused with 413', 'POST', '/admin/clients', 1_000_000, 413],
    ['a body on a GET refused with 401', 'GET', '/v1/credentials', 32_000, 401],
    ['a body on a GET that succeeds', 'GET', '/health/live', 60_000, 200],
  ])(
    'arrive whole when the client asked to close: %s',
    async (_label, method, path, size, status) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = await rawRequest(
          gateway.baseUrl,
          `${method} ${path} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${size}\r\n\r\n`,
          { body: Buffer.alloc(size, 0x61) },
        );
        expect({ attempt, status: answer.status }).toEqual({ attempt, status });
        expect(Buffer.byteLength(answer.body)).toBe(Number(answer.headers['content-length']));
        if (status >= 400) {
          expect(answer.headers['content-type']).toContain('application/problem+json');
        }
      }
    },
  );
});
