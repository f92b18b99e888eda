import { KeyhouseError, type ProblemCode } from '@keyhouse/common';

export enum VaultErrorCode {
  /** Authentication failed: wrong key, tampered bytes, or a ciphertext from another row/field. */
  CannotOpen = 'cannot_open',
  UnsupportedFormat = 'unsupported_format',
  UnknownKey = 'unknown_key',
  CredentialNotFound = 'credential_not_found',
  CredentialRevoked = 'credential_revoked',
  CredentialNeedsReauth = 'credential_needs_reauth',
  SingleUse = 'single_use',
  InvalidKeyring = 'invalid_keyring',
}

/**
 * Errors of the vault. Crypto failures surface as 500s on purpose: a credential that
 * cannot be opened is a broken invariant (wrong key, tampering), not a caller mistake.
 */
export class VaultError extends KeyhouseError {
  readonly problemCode: ProblemCode;

  constructor(
    readonly reason: VaultErrorCode,
    detail: string,
  ) {
    super(detail);
    this.problemCode = problemCodeOf(reason);
  }
}

function problemCodeOf(reason: VaultErrorCode): ProblemCode {
  switch (reason) {
    case VaultErrorCode.CredentialNotFound:
      return 'not_found';
    case VaultErrorCode.CredentialRevoked:
    case VaultErrorCode.SingleUse:
      return 'conflict';
    case VaultErrorCode.CredentialNeedsReauth:
      return 'needs_reauth';
    case VaultErrorCode.CannotOpen:
    case VaultErrorCode.UnsupportedFormat:
    case VaultErrorCode.UnknownKey:
    case VaultErrorCode.InvalidKeyring:
      return 'internal_error';
  }
}
