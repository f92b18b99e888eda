import { type Page, type PagePosition, toPage } from '@keyhouse/common';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditDetails, AuditEventInput } from './audit-action';
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

/** The audit trail. Writes that change state pass their transaction so both commit together. */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  /** Quiet writes still under way: shutdown waits for them before the pool closes. */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly events: AuditRepository) {}

  async record(event: AuditEventInput, manager?: EntityManager): Promise<void> {
    await this.events.insert([event], manager);
  }

  /**
   * For reads, where a lost audit row must not fail the caller's request: recorded after
   * the answer is decided, and a failure is logged rather than thrown.
   */
  recordQuietly(event: AuditEventInput): void {
    const write = this.events
      .insert([event])
      .catch((error: unknown) => {
        this.logger.error({ err: error, action: event.action }, 'could not write an audit event');
      })
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /**
   * Nest runs this after every BeforeApplicationShutdown hook (the refresh engine has drained,
   * the HTTP server is closed) and before the global TypeORM module closes the pool, so no
   * quiet write is cut off. A write can start another (rarely); a few rounds cover that.
   */
  async onApplicationShutdown(): Promise<void> {
    for (let round = 0; round < 5 && this.pending.size > 0; round++) {
      await Promise.all([...this.pending]);
    }
  }

  async list(
    filters: AuditFilters,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<Page<AuditEventView>> {
    return toPage(await this.events.listPage(filters, after, limit), limit, present);
  }

  refreshOutcomesByMinute(since: Date): Promise<RefreshMinuteRow[]> {
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
