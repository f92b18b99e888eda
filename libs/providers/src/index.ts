export { CredentialIssuer, type IssuedTokens } from './credential-issuer.service';
export {
  type UpstreamRequest,
  type UpstreamResponse,
  UpstreamHttp,
} from './http/upstream-http.service';
export { assertReadableByDevelopmentKey } from './development-cap';
export { jsonObject, numberField, retryAfterSeconds, stringField } from './http/json-body';
export { jwtLifetimeSeconds } from './jwt-expiry';
export {
  ProviderError,
  ProviderErrorCode,
  providerErrors,
  SecondFactorRequired,
} from './provider.errors';
export type { ProviderDefinition } from './provider-definition';
export { PROVIDER_REGISTRY, providerNames, providerVariables } from './provider-registry';
export { ProviderRegistry } from './provider-registry.service';
export { type Sandbox, type SandboxOptions, startSandbox } from './provider-sandbox';
export { ProviderCoreModule } from './provider-core.module';
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
