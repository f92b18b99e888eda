import { actorColumns, type AuditActor } from '@keyhouse/audit';
import { type EventType, outboxStatement } from '@keyhouse/events';
import type { CredentialStatus } from './credential.entity';
import { CREDENTIAL_EVENT_DATA } from './credential-events';

/**
 * The store statements: each writes the credential row, its event (when it has one) and its
 * audit row in one statement, so they commit together in one round trip, with or without a
 * transaction around them. They run as named prepared statements (parsed and planned once
 * per connection), so they return a fixed column list rather than `*`: a prepared plan
 * whose result shape changed under a migration would fail instead of re-planning.
 */

/** A first store, a replacement of a live row, or of a dead one (which is an event). */
export type StoreWrite = 'insert' | 'replace' | 'recover';

export interface StoreStatement {
  readonly name: string;
  readonly text: string;
}

/** What a store's audit row says (the rest comes from the row the statement wrote). */
export interface StoreAudit {
  readonly action: 'credential.issued' | 'credential.stored';
  readonly actor: AuditActor;
  readonly replaced: boolean;
}

/** The columns a replacement writes, as parameters $1..$13 of the replace statement. */
const REPLACE = `UPDATE credentials SET
    encrypted_access_token = $1, encrypted_refresh_token = $2, encrypted_interim_token = NULL,
    obtained_at = $3, expires_in_seconds = $4, expires_at = $5,
    refresh_token_expires_at = $6, refresh_token_expires_in_seconds = $7, refresh_at = $8,
    integration_id = $9, status = 'active', attempts = 0, last_error = NULL,
    metadata = metadata || $10::jsonb,
    last_read_at = COALESCE($11, last_read_at),
    lease_owner = NULL, lease_expires_at = NULL, lease_token = lease_token + 1,
    version = version + 1, updated_at = now()
  WHERE id = $12 AND status = $13 AND data_key_id = $14 AND wrapped_data_key = $15
  RETURNING {columns}`;
const REPLACE_PARAMETERS = 15;

/** A first store; nothing when another store for the account won the race to insert. */
const INSERT = `INSERT INTO credentials (
    encrypted_access_token, encrypted_refresh_token, obtained_at, expires_in_seconds, expires_at,
    refresh_token_expires_at, refresh_token_expires_in_seconds, refresh_at, integration_id,
    metadata, last_read_at, id, team, user_id, provider, account_key, wrapped_data_key,
    data_key_id, status, attempts, lease_token, version)
  -- lease_token 1: the first store, like every later one, moves the fencing token on.
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16, $17,
    $18, 'active', 0, 1, 1)
  ON CONFLICT (team, user_id, provider, account_key) WHERE status <> 'revoked' DO NOTHING
  RETURNING {columns}`;
const INSERT_PARAMETERS = 18;

/**
 * The three statements, returning `columns` (the entity's). A replacement holds only while
 * the row still has the status and data key the caller sealed under (else it matches
 * nothing and the caller reads again); the metadata is merged into the row's, and a store
 * that is no first read keeps last_read_at. An insert yields to a concurrent first store.
 */
export function storeStatements(columns: readonly string[]): Record<StoreWrite, StoreStatement> {
  const returning = columns.map((column) => `"${column}"`).join(', ');
  const replace = REPLACE.replace('{columns}', returning);
  return {
    insert: {
      name: 'keyhouse_credential_insert',
      text: storeStatement(
        INSERT.replace('{columns}', returning),
        INSERT_PARAMETERS,
        'credential.created',
      ),
    },
    replace: {
      name: 'keyhouse_credential_replace',
      text: storeStatement(replace, REPLACE_PARAMETERS, null),
    },
    // Replacing a live credential's tokens is no event; bringing a dead one back is.
    recover: {
      name: 'keyhouse_credential_recover',
      text: storeStatement(replace, REPLACE_PARAMETERS, 'credential.recovered'),
    },
  };
}

/**
 * One store as its statement writes it: the sealed tokens and timing, which row (a new id
 * and key, or the live row's id and the status and key the tokens were sealed for), and its
 * audit row. The single statements and the batched one (credential-store-batch.sql.ts)
 * both take it.
 */
export interface StoreRow {
  readonly write: StoreWrite;
  readonly id: string;
  readonly team: string;
  readonly userId: string;
  readonly provider: string;
  readonly accountKey: string;
  readonly encryptedAccessToken: Buffer | null;
  readonly encryptedRefreshToken: Buffer | null;
  readonly obtainedAt: Date;
  readonly expiresInSeconds: number | null;
  readonly expiresAt: Date | null;
  readonly refreshTokenExpiresAt: Date | null;
  readonly refreshTokenExpiresInSeconds: number | null;
  readonly refreshAt: Date | null;
  readonly integrationId: string | null;
  /** JSON text: merged into a replaced row's metadata. */
  readonly metadata: string;
  /** Null keeps a replaced row's last read. */
  readonly lastReadAt: Date | null;
  /** A replacement's: the status it was sealed for; an insert's: 'active'. */
  readonly status: CredentialStatus;
  readonly dataKeyId: string;
  readonly wrappedDataKey: Buffer;
  readonly audit: StoreAudit;
}

/** The parameters of `row`'s single statement (see storeStatements). */
export function storeParameters(row: StoreRow): unknown[] {
  const which =
    row.write === 'insert'
      ? [
          row.id,
          row.team,
          row.userId,
          row.provider,
          row.accountKey,
          row.wrappedDataKey,
          row.dataKeyId,
        ]
      : [row.id, row.status, row.dataKeyId, row.wrappedDataKey];
  return [...changedValues(row), ...which, ...auditParameters(row.audit)];
}

/** The columns every store writes, in the order of both statements' first parameters. */
export function changedValues(row: StoreRow): unknown[] {
  return [
    row.encryptedAccessToken,
    row.encryptedRefreshToken,
    row.obtainedAt,
    row.expiresInSeconds,
    row.expiresAt,
    row.refreshTokenExpiresAt,
    row.refreshTokenExpiresInSeconds,
    row.refreshAt,
    row.integrationId,
    row.metadata,
    row.lastReadAt,
  ];
}

/** The audit row's columns, in the order of both statements' last parameters. */
export function auditParameters(audit: StoreAudit): unknown[] {
  const actor = actorColumns(audit.actor);
  return [
    audit.action,
    actor.actorKind,
    actor.actorClientId,
    actor.actorName,
    actor.actorTeam,
    audit.replaced,
  ];
}

function storeStatement(changes: string, parameters: number, event: EventType | null): string {
  const $ = (index: number) => `$${parameters + index}`;
  return outboxStatement({
    changes,
    type: event === null ? 'NULL' : `'${event}'`,
    data: CREDENTIAL_EVENT_DATA,
    when: event === null ? 'FALSE' : undefined,
    alongside: `audited AS (
      INSERT INTO audit_events (action, outcome, actor_kind, actor_client_id, actor_name,
        actor_team, team, user_id, provider, credential_id, details)
      SELECT ${$(1)}, 'success', ${$(2)}, ${$(3)}::uuid, ${$(4)}, ${$(5)}, changed.team,
        changed.user_id, changed.provider, changed.id,
        jsonb_build_object('replaced', ${$(6)}::boolean)
        FROM changed
      RETURNING id
    )`,
    returning: 'changed.*',
  });
}
