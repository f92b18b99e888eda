import type { Logger } from 'pino';

interface Started {
  readonly name: string;
  readonly stop: () => Promise<void>;
}

/**
 * What a start has brought up so far (the sandbox, the embedded Postgres, the app), stopped
 * in reverse order, on shutdown or when a later step of the start fails: a failed start
 * must not leave an embedded Postgres running without its owner.
 */
export class StartedResources {
  private readonly started: Started[] = [];

  add(name: string, stop: () => Promise<void>): void {
    this.started.push({ name, stop });
  }

  /** Stops everything, newest first; one failure is logged and does not stop the rest. */
  async stopAll(logger: Logger): Promise<void> {
    for (const { name, stop } of this.started.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn({ err: error, resource: name }, 'could not stop cleanly');
      }
    }
  }
}
