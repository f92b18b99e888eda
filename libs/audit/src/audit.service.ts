import { type Page, type PagePosition, toPage } from '@keyhouse/common';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { KeyhouseConfig } from '@keyhouse/config';
import type { AuditDetails, AuditEventInput } from './audit-action';
import { AuditBatcher } from './audit-batcher';
import type { AuditEventEntity } from './audit-event.entity';
import { type AuditFilters, AuditRepository, type RefreshMinuteRow } from './audit.repository';

export interface AuditEventView {
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly outcome: string;
  readonly actor: {
    readonly kind: string;
    readonly clientId: string | null;
    readonly name: string;
    readonly team: string | null;
  };
  readonly team: string | null;
  readonly userId: string | null;
  readonly provider: string | null;
  readonly credentialId: string | null;
  readonly targetClientId: string | null;
  readonly details: AuditDetails;
}

const MAX_BATCH = 500;
const MAX_BUFFERED = 100_000;
const RETRY_BASE_MS = 100;

/**
 * The audit trail. Writes that change state pass their transaction so both commit together;
 * quiet events (reads, refresh outcomes) are batched, so a read costs no INSERT of its own.
 */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly batcher: AuditBatcher;

  constructor(
    private readonly events: AuditRepository,
    private readonly config: KeyhouseConfig,
  ) {
    this.batcher = new AuditBatcher(
      {
        flushMs: config.audit.flushMs,
        maxBatch: MAX_BATCH,
        maxBuffered: MAX_BUFFERED,
        retryBaseMs: RETRY_BASE_MS,
      },
      {
        write: (batch) => this.events.insertTimed(batch),
        onWriteFailed: (error, count) =>
          this.logger.warn({ err: error, events: count }, 'could not write audit events; retrying'),
        onDropped: (count) =>
          this.logger.error({ events: count }, 'audit buffer full: events dropped'),
      },
    );
  }

  async record(event: AuditEventInput, manager?: EntityManager): Promise<void> {
    await this.events.insert([event], manager);
  }

  /**
   * For reads and background outcomes, where a lost audit row must not fail the caller's
   * request: buffered and written in the next batch; a failed write is retried, not thrown.
   */
  recordQuietly(event: AuditEventInput): void {
    if (event.action === 'credential.read' && !this.config.audit.reads) {
      return;
    }
    this.batcher.add(event);
  }

  /** Writes what is buffered now (tests and shutdown); resolves once it is in the database. */
  async flush(): Promise<void> {
    const left = await this.batcher.writeAll();
    if (left > 0) {
      throw new Error(`${left} audit events could not be written`);
    }
  }

  /**
   * Nest runs this after every BeforeApplicationShutdown hook (the refresh engine has drained,
   * the HTTP server is closed) and before the global TypeORM module closes the pool, so every
   * buffered event is written before the process exits.
   */
  async onApplicationShutdown(): Promise<void> {
    const left = await this.batcher.writeAll();
    if (left > 0) {
      this.logger.error(
        { events: left },
        'audit events lost at shutdown: the database refused them',
      );
    }
  }

  /** Reads write this process's buffer first, so an operator sees what they just did. */
  async list(
    filters: AuditFilters,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<Page<AuditEventView>> {
    await this.batcher.writeAll();
    return toPage(await this.events.listPage(filters, after, limit), limit, present);
  }

  async refreshOutcomesByMinute(since: Date): Promise<RefreshMinuteRow[]> {
    await this.batcher.writeAll();
    return this.events.refreshOutcomesByMinute(since);
  }
}

function present(event: AuditEventEntity): AuditEventView {
  return {
    id: event.id,
    at: event.createdAt.toISOString(),
    action: event.action,
    outcome: event.outcome,
    actor: {
      kind: event.actorKind,
      clientId: event.actorClientId,
      name: event.actorName,
      team: event.actorTeam,
    },
    team: event.team,
    userId: event.userId,
    provider: event.provider,
    credentialId: event.credentialId,
    targetClientId: event.targetClientId,
    details: event.details,
  };
}
