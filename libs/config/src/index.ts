export { ConfigModule } from './config.module';
export { ConfigurationError } from './config.errors';
export { KeyhouseConfig } from './keyhouse-config';
export type {
  LogLevel,
  NodeEnvironment,
  ProviderConfigName,
  ProviderSettings,
  ProvidersConfig,
} from './keyhouse-config';
export { DEFAULT_PROVIDER_URLS, isConfigured, loadConfig, withSandbox } from './load-config';
export { Secret } from './secret';
