/** Every action Keyhouse audits. Events name who did it and to what, never a token or key. */
export const AUDIT_ACTIONS = [
  'client.created',
  'client.key_rotated',
  'client.deleted',
  'credential.issued',
  'credential.stored',
  'credential.read',
  'credential.refreshed',
  'credential.refresh_failed',
  'credential.revoked',
  'vault.rotation_started',
  'vault.rotation_completed',
  'integration.created',
  'integration.updated',
  'integration.deleted',
  'integration.checked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = 'success' | 'failure';

/** Who acted: an API client, or Keyhouse itself (the refresh scheduler, key rotation). */
export type AuditActor =
  | {
      readonly kind: 'client';
      readonly clientId: string;
      readonly name: string;
      readonly team: string;
    }
  | { readonly kind: 'system'; readonly name: string };

/** Non-secret details: error codes, key ids, counts. Flat, so nothing nested can hide a token. */
export type AuditDetails = Record<string, string | number | boolean | null>;

export interface AuditEventInput {
  readonly action: AuditAction;
  readonly actor: AuditActor;
  readonly outcome?: AuditOutcome;
  /** The team that owns the target (credential owner, client's team). */
  readonly team?: string | null;
  readonly userId?: string | null;
  readonly provider?: string | null;
  readonly credentialId?: string | null;
  readonly targetClientId?: string | null;
  readonly details?: AuditDetails;
}
