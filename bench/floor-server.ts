// The floor for the token-read benchmark, run as its own process (like the gateway) so it
// does not share an event loop with the load generator. Two routes on bare Fastify:
//   GET /bare/:id  a small JSON object shaped like a token answer, no I/O;
//   GET /pg/:id    the same answer read with one primary-key query through a pg Pool
//                  (as many connections as the gateway's pool), from floor_tokens.
// Prints "listening <port>" once it accepts requests.
import fastify from 'fastify';
import { Pool } from 'pg';

interface TokenRow {
  access_token: string;
  expires_at: Date;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const pool = databaseUrl
    ? new Pool({ connectionString: databaseUrl, max: Number(process.env.POOL_SIZE ?? 10) })
    : undefined;
  const answer = {
    accessToken: 'x'.repeat(64),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
  const app = fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/bare/:id', (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return answer;
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
