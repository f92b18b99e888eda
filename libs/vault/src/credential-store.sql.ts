import type { AuditActor } from '@keyhouse/audit';
import { type EventType, outboxStatement } from '@keyhouse/events';
import { CREDENTIAL_EVENT_DATA } from './credential-events';

/**
 * The store statements: each writes the credential row, its event (when it has one) and its
 * audit row in one statement, so they commit together in one round trip, with or without a
 * transaction around them.
 */

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
  RETURNING *`;
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
  RETURNING *`;
const INSERT_PARAMETERS = 18;

/**
 * Replaces a live row's tokens in place, only while it still has the status and the data
 * key the caller sealed under (else it matches nothing and the caller reads again). The
 * metadata is merged into the row's; a store that is no first read keeps last_read_at.
 */
export function replaceStatement(event: EventType | null): string {
  return storeStatement(REPLACE, REPLACE_PARAMETERS, event);
}

export function insertStatement(): string {
  return storeStatement(INSERT, INSERT_PARAMETERS, 'credential.created');
}

/** The audit row's parameters, after the change's own. */
export function auditParameters(audit: StoreAudit): unknown[] {
  const { actor } = audit;
  return [
    audit.action,
    actor.kind,
    actor.kind === 'client' ? actor.clientId : null,
    actor.name,
    actor.kind === 'client' ? actor.team : null,
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
