import { AuditModule } from '@keyhouse/audit';
import { VaultModule } from '@keyhouse/vault';
import { Module } from '@nestjs/common';
import { AdminCredentialsController } from './admin-credentials.controller';
import { CredentialAccess } from './credential-access.service';
import { CredentialsController } from './credentials.controller';
import { UsersController } from './users.controller';

/** The credential routes of the API: /v1/credentials, /v1/users, /admin/credentials. */
@Module({
  imports: [VaultModule, AuditModule],
  controllers: [CredentialsController, UsersController, AdminCredentialsController],
  providers: [CredentialAccess],
  exports: [CredentialAccess],
})
export class CredentialsModule {}
