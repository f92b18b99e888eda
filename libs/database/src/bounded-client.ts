import { Client, type ClientConfig } from 'pg';
import type { QueryRunner } from 'typeorm';

export interface BoundedClientConfig extends ClientConfig {
  /** A query with no answer at all for this long gives up its connection; 0 means never. */
  readonly answerTimeoutMs?: number;
}

/**
 * A pg client that gives up on a connection that stopped answering. Postgres's own
 * statement_timeout ends slow statements, but a stalled connection (a network partition, a
 * frozen server, a proxy that accepts and forwards nothing) never delivers that answer, and
 * pg would wait for ever. After `answerTimeoutMs` the socket is destroyed: the query fails
 * with "Connection terminated" (503 `unavailable`), and the pool discards the connection
 * rather than lend it out again, so the service recovers by itself once the database does.
 */
export class BoundedClient extends Client {
  private answerTimeoutMs: number;

  constructor(config: BoundedClientConfig) {
    super(config);
    this.answerTimeoutMs = config.answerTimeoutMs ?? 0;
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => this.bounded(query(...args))) as Client['query'];
  }

  /** Lifts the bound while `work` runs (a migration may take as long as it needs). */
  async unbounded<T>(work: () => Promise<T>): Promise<T> {
    const saved = this.answerTimeoutMs;
    this.answerTimeoutMs = 0;
    try {
      return await work();
    } finally {
      this.answerTimeoutMs = saved;
    }
  }

  private bounded(result: unknown): unknown {
    if (this.answerTimeoutMs <= 0 || !(result instanceof Promise)) {
      return result;
    }
    const timer = setTimeout(() => this.connection.stream.destroy(), this.answerTimeoutMs);
    timer.unref();
    const settle = () => clearTimeout(timer);
    result.then(settle, settle);
    return result;
  }
}

/**
 * Runs `work` on the runner's session with no time bound (statement_timeout 0, no answer
 * timeout): for an advisory lock that waits on another process's migration, and for
 * migrations, which may rewrite large tables. Everything else stays bounded.
 */
export async function withoutTimeouts<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  const client = (await runner.connect()) as unknown;
  const run = async () => {
    await runner.query('SET statement_timeout = 0');
    try {
      return await work();
    } finally {
      await runner.query('RESET statement_timeout');
    }
  };
  return client instanceof BoundedClient ? client.unbounded(run) : run();
}
