// The floors for the token-read benchmark, run as their own process (like the gateway) so
// they do not share an event loop with the load generator. Routes on bare Fastify:
//   GET  /bare/:id  the body in FLOOR_GET_BODY (JSON shaped and sized like a token answer);
//   POST /bare      parses a JSON body and answers FLOOR_POST_BODY (sized like a mint answer);
//   GET  /pg/:id    a token answer read with one primary-key query through a pg Pool (as many
//                   connections as the gateway's pool), from floor_tokens.
// Prints "listening <port>" once it accepts requests.
import fastify from 'fastify';
import { Pool } from 'pg';

interface TokenRow {
  access_token: string;
  expires_at: Date;
}

function bodyOf(variable: string): unknown {
  const value = process.env[variable];
  return value ? JSON.parse(value) : { accessToken: 'x'.repeat(64), expiresAt: null };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const pool = databaseUrl
    ? new Pool({ connectionString: databaseUrl, max: Number(process.env.POOL_SIZE ?? 10) })
    : undefined;
  const getAnswer = bodyOf('FLOOR_GET_BODY');
  const postAnswer = bodyOf('FLOOR_POST_BODY');
  const app = fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/bare/:id', (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return getAnswer;
  });
  app.post('/bare', (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return postAnswer;
  });
  app.get<{ Params: { id: string } }>('/pg/:id', async (request, reply) => {
    if (!pool) {
      throw new Error('no DATABASE_URL');
    }
    const { rows } = await pool.query<TokenRow>(
      'SELECT access_token, expires_at FROM floor_tokens WHERE id = $1',
      [request.params.id],
    );
    const row = rows[0];
    if (row === undefined) {
      return reply.code(404).send({ code: 'not_found' });
    }
    void reply.header('cache-control', 'no-store');
    return { accessToken: row.access_token, expiresAt: row.expires_at.toISOString() };
  });
  const shutdown = () => {
    void app
      .close()
      .then(() => pool?.end())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`listening ${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`floor server failed: ${String(error)}\n`);
  process.exit(1);
});
