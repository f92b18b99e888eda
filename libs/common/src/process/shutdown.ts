import type { Logger } from 'pino';

export interface ShutdownOptions {
  /** Longest the close may take; past it the process exits 1 (SHUTDOWN_GRACE_MS). */
  readonly graceMs: number;
}

/**
 * SIGTERM/SIGINT run `close` (see closeGracefully: stop accepting, finish in-flight work,
 * then the database) and exit 0, or 1 if it failed or outlasted the grace period. Repeated
 * SIGTERMs are expected (a process-group kill plus npm forwarding the same signal) and
 * ignored; a second SIGINT (Ctrl-C twice) exits at once.
 */
export function onShutdownSignal(
  logger: Logger,
  close: () => Promise<void>,
  { graceMs }: ShutdownOptions,
): void {
  let closing = false;
  const exit = (code: number): never => {
    logger.flush();
    process.exit(code);
  };
  const handle = (signal: NodeJS.Signals): void => {
    if (closing) {
      if (signal === 'SIGINT') {
        logger.warn({ signal }, 'second interrupt: exiting now');
        exit(1);
      }
      return;
    }
    closing = true;
    logger.info({ signal, graceMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ graceMs }, 'shutdown outlasted SHUTDOWN_GRACE_MS: exiting');
      exit(1);
    }, graceMs).unref();
    close().then(
      () => {
        logger.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
