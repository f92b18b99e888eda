import { type EventType, isoTimestamp, outboxStatement } from '@keyhouse/events';
import type { EntityManager } from 'typeorm';
import type { CredentialEntity } from './credential.entity';

/**
 * An event's `data` for a credential row `changed`: the same fields, in the same text, as
 * presentCredential (credential.view.ts) gives, built in SQL so the event is written by the
 * statement that changes the row. Never a token or key. `reason` is the row's lastError
 * where it has one. A test compares the two views.
 */
export const CREDENTIAL_EVENT_DATA = `jsonb_build_object(
    'id', changed.id,
    'provider', changed.provider,
    'userId', changed.user_id,
    'accountId', NULLIF(changed.account_key, ''),
    'status', changed.status,
    'expiresAt', ${isoTimestamp('changed.expires_at')},
    'refreshTokenExpiresAt', ${isoTimestamp('changed.refresh_token_expires_at')},
    'refreshAt', ${isoTimestamp('changed.refresh_at')},
    'lastRefreshedAt', ${isoTimestamp('changed.last_refreshed_at')},
    'lastError', changed.last_error,
    'metadata', changed.metadata,
    'createdAt', ${isoTimestamp('changed.created_at')},
    'updatedAt', ${isoTimestamp('changed.updated_at')}
  ) || CASE WHEN changed.last_error IS NULL THEN '{}'::jsonb
            ELSE jsonb_build_object('reason', changed.last_error) END`;

/** An event to write with a credential update (see credential-leases.service.ts). */
export interface CredentialEventSpec {
  readonly type: EventType;
}

/** Wraps `UPDATE credentials ... RETURNING *` so the same statement writes the event. */
export function withCredentialEvent(update: string, event: CredentialEventSpec): string {
  return outboxStatement({
    changes: update,
    type: `'${event.type}'`,
    data: CREDENTIAL_EVENT_DATA,
    returning: 'changed.id AS id',
  });
}

/** Writes one event per credential in `ids`, as it stands now, inside the caller's transaction. */
export async function recordCredentialEvents(
  manager: EntityManager,
  type: EventType,
  ids: readonly string[],
): Promise<void> {
  if (ids.length > 0) {
    await manager.query(
      outboxStatement({
        changes: `SELECT * FROM credentials WHERE id = ANY($1::uuid[])`,
        type: '$2',
        data: CREDENTIAL_EVENT_DATA,
        returning: 'changed.id',
      }),
      [ids, type],
    );
  }
}

/** The refresh backoff schedules its last retry this long before the token expires. */
const LAST_CHANCE_MS = 5_000;

/**
 * credential.refresh_failing: a transient failure whose retry is the last chance before
 * the access token expires (the backoff caps retries there), or already lands after it.
 * If failures go on, the token expires. Reported once per run of failures: a retry that was
 * itself scheduled at the last chance does not report again. Tokens without an expiry
 * never reach it.
 */
export function reachesExpiry(credential: CredentialEntity, retryAt: Date): boolean {
  if (!credential.expiresAt) {
    return false;
  }
  const lastChance = credential.expiresAt.getTime() - LAST_CHANCE_MS;
  const alreadyReported =
    credential.attempts > 0 &&
    credential.refreshAt !== null &&
    credential.refreshAt.getTime() >= lastChance;
  return retryAt.getTime() >= lastChance && !alreadyReported;
}
