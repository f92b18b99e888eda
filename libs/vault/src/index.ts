export {
  AccessTokenReader,
  ON_DEMAND_REFRESHER,
  type OnDemandRefresher,
} from './access-token-reader';
export {
  CREDENTIAL_STATUSES,
  CredentialEntity,
  type CredentialMetadata,
  type CredentialStatus,
} from './credential.entity';
export { TokenRead } from './token-read.service';
export {
  type AdminCredentialFilters,
  CREDENTIALS_CHANNEL,
  CredentialRepository,
  type TeamCredentialFilters,
} from './credential.repository';
export { CredentialRevocation, type RevokedCredential } from './credential-revocation.service';
export { CredentialStoreRepository } from './credential-store.repository';
export {
  type CredentialTiming,
  expiresAtOf,
  expiryAfterRefresh,
  refreshTokenExpiresAtOf,
  type StoredExpiry,
} from './credential-timing';
export {
  type AccessToken,
  assertUsable,
  CredentialVault,
  type StoreCredentialInput,
} from './credential-vault.service';
export {
  type AdminCredentialView,
  type CredentialView,
  isPendingAccountKey,
  PENDING_ACCOUNT_PREFIX,
  presentCredential,
  presentCredentialForAdmin,
} from './credential.view';
export {
  CredentialCipher,
  type SealedSecrets,
  type TokenSecrets,
} from './crypto/credential-cipher';
export { RecordCipher, type SealedRecord } from './crypto/record-cipher';
export { type RewrapParticipant, RewrapParticipants } from './crypto/rewrap-participants';
export { CREDENTIAL_EVENT_DATA, reachesExpiry } from './credential-events';
export { generateVaultKey, parseVaultKeys } from './crypto/keyring.factory';
export { type Keyring, LocalKeyring } from './crypto/keyring';
export type { WrappedDataKey } from './crypto/keyring';
export { open, seal } from './crypto/sealed-box';
export { SealedTables, type SealedTable } from './sealed-tables';
export { type Owner, SYSTEM_TEAM } from './owner';
export { VaultError, VaultErrorCode } from './vault.errors';
export { VaultModule } from './vault.module';
export { UPSTREAM_REVOKER, type UpstreamRevoker } from './upstream-revoker';
export {
  CredentialLeases,
  type HeldFence,
  type LeasedCredential,
  type LeaseOutcome,
  type RefreshWrite,
} from './credential-leases.service';
export {
  CredentialLeaseRepository,
  type CountByProviderStatus,
} from './credential-lease.repository';
export { PendingGrantSettlement, type Settlement } from './pending-grant-settlement.service';
export {
  AdminCredentialPageResponse,
  AdminCredentialResponse,
} from './dto/admin-credential.response';
export {
  AccessTokenResponse,
  CredentialPageResponse,
  CredentialResponse,
} from './dto/credential.response';
