export { type GatewayHarness, type GatewayOptions, startGateway } from './gateway-harness';
export { HttpClient, type HttpResult, type RequestOptions } from './http-client';
export { LogCapture } from './log-capture';
export { type ProxiedGateway, startProxiedGateway } from './proxied-gateway';
export { TcpProxy, throughProxy } from './tcp-proxy';
export { createTestDatabase, queryDatabase, type TestDatabase } from './test-database';
export { waitFor } from './wait-for';
export { expectNoSecretsInLogs } from './secrets';
export { AppProcess, type AppName, freePort } from './app-process';
export { dumpDatabase } from './database-dump';
export { createClient, type CredentialSeed, fakeToken, seedCredential } from './factories';
export {
  TEST_ROTATED_KEYRING,
  TEST_VAULT_KEY_A,
  TEST_VAULT_KEY_B,
  TEST_VAULT_KEYS,
} from './gateway-harness';
export { PostgresProcess } from './postgres-process';
export {
  type ProviderGatewaySpec,
  startProviderGateway,
  stopProviderGateway,
} from './provider-gateway';
export { type RawAnswer, rawExchange, rawRequest } from './raw-http';
export { type RouteEntry, routeTable } from './route-table';
export { type TableFingerprints, TableSnapshots } from './table-snapshot';
export {
  CHROMIUM_PATH,
  launchChromium,
  openPage,
  type RecordedPage,
  screenshot,
  serveForeignPage,
} from './browser';
export { type Exposure, expectNoSecretsExposed } from './secrets';
export { type CliResult, runCli, startCli } from './cli-process';
export { type ReceivedDelivery, type ReceiverMode, WebhookReceiver } from './webhook-receiver';
export { providerCalls } from './provider-calls';
export { refreshingMeshEnv } from './refreshing-mesh-env';
