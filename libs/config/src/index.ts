export { ConfigModule } from './config.module';
export { ConfigurationError } from './config.errors';
export { KeyhouseConfig } from './keyhouse-config';
export type {
  LogLevel,
  NodeEnvironment,
  ProviderSettings,
  ProvidersConfig,
} from './keyhouse-config';
export { loadConfig, withSandbox } from './load-config';
export type { CredentialVariable, ProviderVariables } from './provider-variables';
export { Secret } from './secret';
