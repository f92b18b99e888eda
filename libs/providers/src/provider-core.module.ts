import { AuditModule } from '@keyhouse/audit';
import { VaultModule } from '@keyhouse/vault';
import { Module } from '@nestjs/common';
import { CredentialIssuer } from './credential-issuer.service';
import { UpstreamHttp } from './http/upstream-http.service';
import { RefreshPolicy } from './refresh-policy.service';

/** What every provider module builds on: the upstream client, the vault, the policy, the issuer. */
@Module({
  imports: [VaultModule, AuditModule],
  providers: [UpstreamHttp, RefreshPolicy, CredentialIssuer],
  exports: [UpstreamHttp, RefreshPolicy, CredentialIssuer, VaultModule, AuditModule],
})
export class ProviderCoreModule {}
