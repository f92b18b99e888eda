import type { Logger } from 'pino';

const SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * SIGTERM/SIGINT close the app first (in-flight requests and refreshes finish, leases are
 * released), then the database. Repeated SIGTERMs are expected (a process-group kill plus
 * npm forwarding the same signal) and ignored; a second SIGINT (Ctrl-C twice) or the
 * deadline exits at once.
 */
export function onShutdownSignal(logger: Logger, close: () => Promise<void>): void {
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
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long: exiting');
      exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
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
