import { KeyhouseConfig } from '@keyhouse/config';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';

/** What a process keeps in memory from a table, kept current by that table's notifications. */
export interface NotificationSubscriber {
  /** A NOTIFY on the channel (its payload, e.g. the id of the row that changed). */
  notify(payload: string): void;
  /**
   * Listening stopped or started again: notifications may have been missed in between, so
   * whatever was learned before may be stale. Called with no connection and after a new one.
   */
  resync(): void;
}

/** Wait before listening again after the listening connection dropped. */
const RELISTEN_DELAY_MS = 1_000;
/** A round trip on the listening connection this often... */
const HEARTBEAT_INTERVAL_MS = 250;
/**
 * ...and the connection counts as current only while the last answered one was sent within
 * this. Postgres delivers a notification before the answer to any later query on the same
 * connection, so an answered heartbeat proves every change committed before it was sent
 * has been seen: a stalled connection stops being trusted within this bound.
 */
const CURRENT_WITHIN_MS = 1_000;
/** A connection that has answered nothing for this long is dropped and opened again. */
const STALLED_MS = 5_000;

export const LISTENER_APPLICATION_NAME = 'keyhouse-listener';

/**
 * The process's one LISTEN connection, shared by every in-memory view that must follow
 * other processes' writes (integrations, API clients, credentials). It is dedicated (a
 * pooled connection would be handed back and lose its LISTENs), comes back on its own after
 * a drop, and says whether it is current right now (`current`), so a cache can read through
 * whenever it is not.
 */
@Injectable()
export class NotificationListener implements OnApplicationShutdown {
  private readonly logger = new Logger('NotificationListener');
  private readonly subscribers = new Map<string, NotificationSubscriber[]>();
  private client?: Client;
  private connected = false;
  private lastAnsweredSentAt = 0;
  private heartbeat?: NodeJS.Timeout;
  private beating = false;
  private relistenTimer?: NodeJS.Timeout;
  private starting?: Promise<void>;
  private stopping = false;
  /** One statement at a time on the connection (pg deprecates overlapping queries). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: KeyhouseConfig) {}

  /**
   * Follows `channel` from now on. The first subscription opens the connection (a failure is
   * logged and retried, never thrown); resolves once listening, or once the attempt failed.
   */
  async subscribe(channel: string, subscriber: NotificationSubscriber): Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) {
      throw new Error(`not a channel name: ${channel}`);
    }
    const known = this.subscribers.get(channel);
    this.subscribers.set(channel, [...(known ?? []), subscriber]);
    if (this.client && this.connected && !known) {
      try {
        await this.run(this.client, `LISTEN ${channel}`);
      } catch (error) {
        this.logger.warn({ err: error }, 'could not listen; reconnecting');
        this.drop(this.client);
      }
      return;
    }
    this.starting ??= this.listen().finally(() => (this.starting = undefined));
    await this.starting;
  }

  /** Listening, and known to have seen every change committed up to a second ago. */
  get current(): boolean {
    return this.connected && Date.now() - this.lastAnsweredSentAt < CURRENT_WITHIN_MS;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.relistenTimer);
    clearInterval(this.heartbeat);
    await this.starting;
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const url = this.config.database.listenUrl ?? this.config.database.url;
    // Already connected or connecting (a subscription started it before the retry timer).
    if (this.stopping || !url || this.client) {
      return;
    }
    const client = new Client({
      connectionString: url.reveal(),
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: this.config.database.connectTimeoutMs,
      keepAlive: true,
    });
    client.on('notification', (message) => {
      for (const subscriber of this.subscribers.get(message.channel) ?? []) {
        subscriber.notify(message.payload ?? '');
      }
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'the listening connection failed');
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    this.client = client;
    this.queue = Promise.resolve();
    try {
      await client.connect();
      for (const channel of this.subscribers.keys()) {
        await client.query(`LISTEN ${channel}`);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not listen; retrying');
      this.drop(client);
      return;
    }
    if (this.client !== client) {
      return;
    }
    this.connected = true;
    this.beating = false;
    this.lastAnsweredSentAt = Date.now();
    this.heartbeat = setInterval(() => void this.beat(client), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
    // Whatever happened while nobody listened is unknown: every subscriber starts over.
    this.resyncAll();
  }

  /** One heartbeat at a time: a stalled connection queues nothing, and is dropped in time. */
  private async beat(client: Client): Promise<void> {
    if (this.beating) {
      if (Date.now() - this.lastAnsweredSentAt > STALLED_MS) {
        this.logger.warn('the listening connection stalled; reconnecting');
        this.drop(client);
      }
      return;
    }
    this.beating = true;
    const sentAt = Date.now();
    try {
      await this.run(client, 'SELECT 1');
      if (this.client === client) {
        this.lastAnsweredSentAt = Math.max(this.lastAnsweredSentAt, sentAt);
      }
    } catch {
      // The 'error' or 'end' handler drops the connection.
    } finally {
      this.beating = false;
    }
  }

  private run(client: Client, sql: string): Promise<unknown> {
    const next = this.queue.then(() => client.query(sql));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Stops trusting `client`, closes it, and listens again shortly. */
  private drop(client: Client): void {
    if (this.client !== client) {
      return;
    }
    this.client = undefined;
    const wasConnected = this.connected;
    this.connected = false;
    clearInterval(this.heartbeat);
    client.end().catch(() => undefined);
    // Shutting down, nothing will be read again: a resync now would only query a closed pool.
    if (wasConnected && !this.stopping) {
      this.resyncAll();
    }
    if (!this.stopping) {
      clearTimeout(this.relistenTimer);
      this.relistenTimer = setTimeout(() => {
        this.starting ??= this.listen().finally(() => (this.starting = undefined));
      }, RELISTEN_DELAY_MS);
      this.relistenTimer.unref();
    }
  }

  private resyncAll(): void {
    for (const subscribers of this.subscribers.values()) {
      for (const subscriber of subscribers) {
        subscriber.resync();
      }
    }
  }
}
