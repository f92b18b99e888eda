/**
 * SQL for writing events. Every event is written by the statement (or at least the
 * transaction) that makes the change it reports, so a change that rolls back leaves no
 * event and a change that commits never misses one. The same statement fans the event out
 * to the team's subscribed webhook endpoints as pending deliveries, so a delivery exists
 * exactly when its event does.
 */
export interface OutboxInsert {
  /**
   * CTEs (`name AS (...)`, comma-separated) before `changed`, which `changes` may read: a
   * data-modifying CTE must sit at the statement's top level, never nested inside another.
   */
  readonly before?: string;
  /** SQL of the rows that changed: usually `UPDATE ... RETURNING *`; must expose `team`. */
  readonly changes: string;
  /** SQL expression of the event type (a literal or a parameter). */
  readonly type: string;
  /** jsonb expression of the event's data, over the alias `changed`. */
  readonly data: string;
  /** Which changed rows get an event (all when omitted). */
  readonly when?: string;
  /** What the statement returns, over the alias `changed`. */
  readonly returning: string;
  /**
   * Further data-modifying CTEs over `changed` (`name AS (...)`, comma-separated) that must
   * commit with the change: a state change's audit row, written by the same statement.
   */
  readonly alongside?: string;
}

/** Matches an endpoint subscribed to the event's type, or to everything. */
const SUBSCRIBED = `w.team = e.team AND w.enabled AND (e.type = ANY(w.events) OR '*' = ANY(w.events))`;

/**
 * One statement: the change, its events, their deliveries. Data-modifying CTEs run to
 * completion whether or not the final SELECT reads them, and all of them commit or none.
 */
export function outboxStatement(insert: OutboxInsert): string {
  const before = insert.before ? `${insert.before},\n    ` : '';
  return `WITH ${before}changed AS (${insert.changes}),
    new_events AS (
      INSERT INTO events (id, xact_id, team, type, occurred_at, data)
      SELECT gen_random_uuid(), ${CURRENT_XACT_ID}, changed.team, ${insert.type}, now(), ${insert.data}
        FROM changed
       ${insert.when ? `WHERE ${insert.when}` : ''}
      RETURNING id, team, type
    ),
    new_deliveries AS (
      INSERT INTO webhook_deliveries (id, endpoint_id, event_id, team, event_type)
      SELECT gen_random_uuid(), w.id, e.id, e.team, e.type
        FROM new_events e JOIN webhook_endpoints w ON ${SUBSCRIBED}
      RETURNING id
    )${
      insert.alongside
        ? `,
    ${insert.alongside}`
        : ''
    }
    SELECT ${insert.returning} FROM changed`;
}

/** The writing transaction's id, as a bigint (xid8 values fit; TypeORM has no xid8 type). */
export const CURRENT_XACT_ID = `pg_current_xact_id()::text::bigint`;

/** ISO-8601 in UTC with milliseconds, the same text as a JS Date's toISOString(). */
export function isoTimestamp(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
