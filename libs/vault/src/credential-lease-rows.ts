/** The lease statements' shared SQL and the readers of what they return (TypeORM `query()` rows). */

/**
 * One claim statement around `due` (a locking SELECT of id and previous_owner): sets the
 * owner, the expiry and a new fencing token, and returns each claimed row whole (as it is
 * after the claim) with whether it still carried a lapsed lease: no second read.
 */
export function claimStatement(due: string): string {
  return `UPDATE credentials AS c SET lease_owner = $1,
            lease_expires_at = now() + make_interval(secs => $2),
            lease_token = c.lease_token + 1
       FROM (${due}) AS due
      WHERE c.id = due.id
      RETURNING c.*, due.previous_owner IS NOT NULL AS took_over`;
}

/**
 * How long after its refresh_at a due credential was refreshed, for the refresh history;
 * nothing for one refreshed early (on demand, before it was due).
 */
export function latenessOf(refreshAt: Date | null): { latenessSeconds: number } | undefined {
  const late = refreshAt ? Date.now() - refreshAt.getTime() : -1;
  return late >= 0 ? { latenessSeconds: Math.round(late / 100) / 10 } : undefined;
}

export function idsOf(rows: unknown): string[] {
  return rowsOf(rows)
    .map((row) => (row as { id?: unknown }).id)
    .filter((id): id is string => typeof id === 'string');
}

export function rowsOf(rows: unknown): unknown[] {
  // pg returns [rows, count] for UPDATE ... RETURNING through TypeORM's query().
  const list =
    Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]) : (rows as unknown[]);
  return Array.isArray(list) ? list : [];
}
