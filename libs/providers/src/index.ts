export { CredentialIssuer, type IssuedTokens } from './credential-issuer.service';
export {
  type UpstreamRequest,
  type UpstreamResponse,
  UpstreamHttp,
} from './http/upstream-http.service';
export { assertReadableByDevelopmentKey } from './development-cap';
export { jwtLifetimeSeconds } from './jwt-expiry';
export {
  ProviderError,
  ProviderErrorCode,
  providerErrors,
  SecondFactorRequired,
} from './provider.errors';
export {
  PROVIDER_DEFINITIONS,
  PROVIDER_NAMES,
  PROVIDER_REGISTRY,
  ProviderRegistry,
} from './provider-registry';
export { ProviderAdminModule } from './admin/provider-admin.module';
export { ProviderIntegrations } from './provider-integrations.service';
export { ProvidersModule } from './providers.module';
export { RefreshPolicy, type TimingState } from './refresh-policy.service';
export { expiryOf, insideRefreshLead, nextRefreshAt, refreshLeadSeconds } from './refresh-schedule';
export type {
  AccountsDiscovered,
  DiscoveredAccount,
  KeepAlive,
  RefreshAnswer,
  RefreshedTokens,
  RefreshTarget,
  RevokeTarget,
  SecondFactorTarget,
  TokenProvider,
} from './token-provider';
export { canRefresh, refreshThrough } from './token-provider';
