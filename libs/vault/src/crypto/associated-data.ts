/** Which secret of a credential a ciphertext holds. */
export type SealedField = 'access_token' | 'refresh_token' | 'interim_token';

/** What a ciphertext is bound to: open it anywhere else and authentication fails. */
export interface SealContext {
  /** The credential's id. */
  readonly id: string;
  readonly team: string;
  readonly userId: string;
  readonly provider: string;
}

/** Unambiguous encoding (a JSON array of strings), so no two contexts share bytes. */
export function associatedData(context: SealContext, field: SealedField): Buffer {
  return Buffer.from(
    JSON.stringify([
      'keyhouse.token.v1',
      context.id,
      context.team,
      context.userId,
      context.provider,
      field,
    ]),
    'utf8',
  );
}

/** The encryption context a credential's data key is wrapped under: its id. */
export function dataKeyContext(credentialId: string): string {
  return `credential:${credentialId}`;
}
