import { AuditModule } from '@keyhouse/audit';
import { VaultModule } from '@keyhouse/vault';
import { Module } from '@nestjs/common';
import { CredentialIssuer } from './credential-issuer.service';
import { UpstreamHttp } from './http/upstream-http.service';
import { ProviderIntegrations } from './provider-integrations.service';
import { RefreshPolicy } from './refresh-policy.service';

/**
 * What every provider module builds on: the upstream client, the vault, the policy, the
 * issuer, and the integrations (IntegrationsModule is global; the app registers it).
 */
@Module({
  imports: [VaultModule, AuditModule],
  providers: [UpstreamHttp, RefreshPolicy, CredentialIssuer, ProviderIntegrations],
  exports: [
    UpstreamHttp,
    RefreshPolicy,
    CredentialIssuer,
    ProviderIntegrations,
    VaultModule,
    AuditModule,
  ],
})
export class ProviderCoreModule {}
