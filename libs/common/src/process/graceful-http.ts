import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Fastify settings for a clean stop (they are Fastify 5's defaults, spelled out because the
 * shutdown relies on them): closing drops idle keep-alive connections at once, and a request
 * that still arrives on an open connection gets 503 with `Connection: close`.
 */
export const GRACEFUL_HTTP_OPTIONS = {
  forceCloseConnections: 'idle',
  return503OnClosing: true,
} as const;

const IDLE_SWEEP_MS = 100;

/**
 * Closes an app in the order that loses nothing: first the HTTP server (no new connections;
 * idle keep-alive connections closed; in-flight requests run to their answer, and each
 * connection is closed as soon as it falls idle, so no client can hold the process open),
 * then Nest's shutdown hooks (refreshes drain, pending audit writes land), then the
 * database pool.
 */
export async function closeGracefully(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Node closes idle connections once, when close begins; a connection whose request was in
  // flight then falls idle later and would be kept alive until the client hangs up.
  const sweep = setInterval(() => fastify.server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    await fastify.close();
  } finally {
    clearInterval(sweep);
  }
  await app.close();
}
