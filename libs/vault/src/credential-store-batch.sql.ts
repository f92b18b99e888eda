import { outboxStatement } from '@keyhouse/events';
import { CREDENTIAL_EVENT_DATA } from './credential-events';
import {
  auditParameters,
  changedValues,
  type StoreRow,
  type StoreStatement,
} from './credential-store.sql';

/**
 * Many stores in one statement, so concurrent stores share one commit (see
 * CredentialStoreBatcher): each column of the rows is one array parameter, unnested into
 * `input`. Replacements and recoveries update their live rows, first stores insert theirs,
 * and the same statement writes every changed row's event (a first store's or a
 * recovery's; a replacement of a live row is none) and audit row, exactly as the single
 * statements of credential-store.sql.ts do one at a time. A row that no longer matches
 * (another store changed it first, or won the race to insert) is simply not returned.
 */

/**
 * The input's columns and their types, in parameter order: which row, then the columns
 * every store writes and the audit row's, in the single statements' order (changedValues,
 * auditParameters).
 */
const INPUT_COLUMNS = [
  ['write', 'text'],
  ['id', 'uuid'],
  ['team', 'text'],
  ['user_id', 'text'],
  ['provider', 'text'],
  ['account_key', 'text'],
  ['encrypted_access_token', 'bytea'],
  ['encrypted_refresh_token', 'bytea'],
  ['obtained_at', 'timestamptz'],
  ['expires_in_seconds', 'integer'],
  ['expires_at', 'timestamptz'],
  ['refresh_token_expires_at', 'timestamptz'],
  ['refresh_token_expires_in_seconds', 'integer'],
  ['refresh_at', 'timestamptz'],
  ['integration_id', 'uuid'],
  ['metadata', 'jsonb'],
  ['last_read_at', 'timestamptz'],
  ['expected_status', 'text'],
  ['data_key_id', 'text'],
  ['wrapped_data_key', 'bytea'],
  ['audit_action', 'text'],
  ['actor_kind', 'text'],
  ['actor_client_id', 'uuid'],
  ['actor_name', 'text'],
  ['actor_team', 'text'],
  ['replaced', 'boolean'],
] as const;

/** One row's values, in INPUT_COLUMNS' order. */
function inputValues(row: StoreRow): unknown[] {
  return [
    row.write,
    row.id,
    row.team,
    row.userId,
    row.provider,
    row.accountKey,
    ...changedValues(row),
    row.status,
    row.dataKeyId,
    row.wrappedDataKey,
    ...auditParameters(row.audit),
  ];
}

/** The batch statement's parameters: one array per input column, a row per store. */
export function storeBatchParameters(rows: readonly StoreRow[]): unknown[][] {
  const columns: unknown[][] = INPUT_COLUMNS.map(() => []);
  for (const row of rows) {
    inputValues(row).forEach((value, index) => columns[index].push(value));
  }
  return columns;
}

const INPUT = `input AS (
    SELECT * FROM unnest(${INPUT_COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ')})
      AS i(${INPUT_COLUMNS.map(([name]) => name).join(', ')})
  )`;

/** The same replacement as the single statement's, for every row of `input` that is one. */
const REPLACED = `replaced AS (
    UPDATE credentials c SET
      encrypted_access_token = i.encrypted_access_token,
      encrypted_refresh_token = i.encrypted_refresh_token, encrypted_interim_token = NULL,
      obtained_at = i.obtained_at, expires_in_seconds = i.expires_in_seconds,
      expires_at = i.expires_at, refresh_token_expires_at = i.refresh_token_expires_at,
      refresh_token_expires_in_seconds = i.refresh_token_expires_in_seconds,
      refresh_at = i.refresh_at, integration_id = i.integration_id, status = 'active',
      attempts = 0, last_error = NULL, metadata = c.metadata || i.metadata,
      last_read_at = COALESCE(i.last_read_at, c.last_read_at),
      lease_owner = NULL, lease_expires_at = NULL, lease_token = c.lease_token + 1,
      version = c.version + 1, updated_at = now()
      FROM input i
     WHERE i.write <> 'insert' AND c.id = i.id AND c.status = i.expected_status
       AND c.data_key_id = i.data_key_id AND c.wrapped_data_key = i.wrapped_data_key
    RETURNING c.*
  )`;

/** The same first store as the single statement's, for every row of `input` that is one. */
const INSERTED = `inserted AS (
    INSERT INTO credentials (
      encrypted_access_token, encrypted_refresh_token, obtained_at, expires_in_seconds,
      expires_at, refresh_token_expires_at, refresh_token_expires_in_seconds, refresh_at,
      integration_id, metadata, last_read_at, id, team, user_id, provider, account_key,
      wrapped_data_key, data_key_id, status, attempts, lease_token, version)
    SELECT i.encrypted_access_token, i.encrypted_refresh_token, i.obtained_at,
      i.expires_in_seconds, i.expires_at, i.refresh_token_expires_at,
      i.refresh_token_expires_in_seconds, i.refresh_at, i.integration_id, i.metadata,
      i.last_read_at, i.id, i.team, i.user_id, i.provider, i.account_key, i.wrapped_data_key,
      i.data_key_id, 'active', 0, 1, 1
      FROM input i
     WHERE i.write = 'insert'
    ON CONFLICT (team, user_id, provider, account_key) WHERE status <> 'revoked' DO NOTHING
    RETURNING *
  )`;

/** Every written row, with what its event and audit row need from its input. */
const CHANGED = `SELECT w.*, i.write AS store_write, i.audit_action, i.actor_kind,
      i.actor_client_id, i.actor_name, i.actor_team, i.replaced
    FROM (SELECT * FROM replaced UNION ALL SELECT * FROM inserted) w
    JOIN input i ON i.id = w.id`;

const AUDITED = `audited AS (
    INSERT INTO audit_events (action, outcome, actor_kind, actor_client_id, actor_name,
      actor_team, team, user_id, provider, credential_id, details)
    SELECT changed.audit_action, 'success', changed.actor_kind, changed.actor_client_id,
      changed.actor_name, changed.actor_team, changed.team, changed.user_id, changed.provider,
      changed.id, jsonb_build_object('replaced', changed.replaced)
      FROM changed
    RETURNING id
  )`;

/** The batch statement, returning `columns` (the entity's) of every row it wrote. */
export function storeBatchStatement(columns: readonly string[]): StoreStatement {
  return {
    name: 'keyhouse_credential_store_batch',
    text: outboxStatement({
      before: `${INPUT},\n  ${REPLACED},\n  ${INSERTED}`,
      changes: CHANGED,
      type: `CASE changed.store_write WHEN 'insert' THEN 'credential.created'
        ELSE 'credential.recovered' END`,
      when: `changed.store_write <> 'replace'`,
      data: CREDENTIAL_EVENT_DATA,
      alongside: AUDITED,
      returning: columns.map((column) => `changed."${column}"`).join(', '),
    }),
  };
}
