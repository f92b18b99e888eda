import type { Server } from 'node:net';

/**
 * Human-facing lines on stdout, outside the JSON log on purpose: the generated admin key
 * must be shown once to the operator and must never enter the log pipeline.
 */
export function printListening(baseUrl: string): void {
  process.stdout.write(
    `\nKeyhouse gateway listening on ${baseUrl} (API docs: ${baseUrl}/docs)\n\n`,
  );
}

export function printAdminKeyOnce(key: string | undefined): void {
  if (!key) {
    return;
  }
  process.stdout.write(
    [
      '================================================================',
      ' First start: an admin API key was generated. It is shown once.',
      ` ${key}`,
      ' Use it as "Authorization: Bearer <key>" on /admin routes.',
      '================================================================',
      '',
    ].join('\n'),
  );
}

/** The port the server really listens on (PORT=0 picks a free one). */
export function listeningPort(app: { getHttpServer(): Server }, configured: number): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : configured;
}
