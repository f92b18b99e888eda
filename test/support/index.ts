export { type GatewayHarness, type GatewayOptions, startGateway } from './gateway-harness';
export { HttpClient, type HttpResult, type RequestOptions } from './http-client';
export { LogCapture } from './log-capture';
export { TcpProxy, throughProxy } from './tcp-proxy';
export { createTestDatabase, queryDatabase, type TestDatabase } from './test-database';
export { waitFor } from './wait-for';
export { expectNoSecretsInLogs } from './secrets';
export { AppProcess, type AppName, freePort } from './app-process';
export { dumpDatabase } from './database-dump';
export { createClient, type CredentialSeed, fakeToken, seedCredential } from './factories';
export { TEST_VAULT_KEY_A, TEST_VAULT_KEY_B, TEST_VAULT_KEYS } from './gateway-harness';
export { PostgresProcess } from './postgres-process';
export {
  type ProviderGatewaySpec,
  startProviderGateway,
  stopProviderGateway,
} from './provider-gateway';
export { providerCalls } from './provider-calls';
