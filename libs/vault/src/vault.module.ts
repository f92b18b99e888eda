import { AuditModule } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenReader } from './access-token-reader';
import { AdminVaultController } from './admin-vault.controller';
import { CredentialEntity } from './credential.entity';
import { CredentialLeaseRepository } from './credential-lease.repository';
import { CredentialLeases } from './credential-leases.service';
import { CredentialRepository } from './credential.repository';
import { CredentialStoreRepository } from './credential-store.repository';
import { CredentialRevocation } from './credential-revocation.service';
import { CredentialVault } from './credential-vault.service';
import { CredentialCipher, KEYRING } from './crypto/credential-cipher';
import { createKeyring } from './crypto/keyring.factory';
import { PendingGrantSettlement } from './pending-grant-settlement.service';
import { RecordCipher } from './crypto/record-cipher';
import { RewrapParticipants } from './crypto/rewrap-participants';
import { SealedTables } from './sealed-tables';
import { TokenRead } from './token-read.service';
import { VaultKeysService } from './vault-keys.service';

/** The credentials table and its envelope encryption; nothing outside sees key material. */
@Module({
  imports: [TypeOrmModule.forFeature([CredentialEntity]), AuditModule],
  controllers: [AdminVaultController],
  providers: [
    { provide: KEYRING, inject: [KeyhouseConfig], useFactory: createKeyring },
    CredentialCipher,
    RecordCipher,
    RewrapParticipants,
    CredentialRepository,
    CredentialStoreRepository,
    CredentialVault,
    CredentialRevocation,
    VaultKeysService,
    AccessTokenReader,
    TokenRead,
    CredentialLeaseRepository,
    CredentialLeases,
    PendingGrantSettlement,
    SealedTables,
  ],
  exports: [
    SealedTables,
    PendingGrantSettlement,
    AccessTokenReader,
    TokenRead,
    CredentialLeases,
    CredentialLeaseRepository,
    CredentialVault,
    CredentialRevocation,
    CredentialRepository,
    CredentialCipher,
    RecordCipher,
    RewrapParticipants,
  ],
})
export class VaultModule {}
