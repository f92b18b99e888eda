import { AuditService } from '@keyhouse/audit';
import { Injectable } from '@nestjs/common';
import type { RefreshHistoryResponse, RefreshMinuteResponse } from './dto/refresh-history.response';

const MINUTE_MS = 60_000;

/**
 * Refresh outcomes and lateness per minute, read from the audit trail (every refresh writes
 * one event, in every process), so the history is the same whichever gateway answers.
 */
@Injectable()
export class RefreshHistoryService {
  constructor(private readonly audit: AuditService) {}

  async history(hours: number, now = new Date()): Promise<RefreshHistoryResponse> {
    const to = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
    const from = to - (hours * 60 - 1) * MINUTE_MS;
    const rows = await this.audit.refreshOutcomesByMinute(new Date(from));
    const byMinute = new Map(rows.map((row) => [row.minute.getTime(), row]));
    const buckets: RefreshMinuteResponse[] = [];
    for (let minute = from; minute <= to; minute += MINUTE_MS) {
      const row = byMinute.get(minute);
      buckets.push({
        at: new Date(minute).toISOString(),
        succeeded: row?.succeeded ?? 0,
        retrying: row?.retrying ?? 0,
        failed: row?.failed ?? 0,
        latenessAvgSeconds: row?.latenessAvgSeconds ?? null,
        latenessMaxSeconds: row?.latenessMaxSeconds ?? null,
      });
    }
    return {
      from: new Date(from).toISOString(),
      to: new Date(to + MINUTE_MS).toISOString(),
      bucketSeconds: 60,
      buckets,
    };
  }
}
