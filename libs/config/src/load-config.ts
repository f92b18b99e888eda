import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigurationError } from './config.errors';
import { EnvironmentVariables } from './environment-variables';
import type { KeyhouseConfig, LogLevel, NodeEnvironment } from './keyhouse-config';
import {
  assertDistinct,
  halfConfiguredProviders,
  providerVariableNames,
  providerVariableProblems,
  type ProviderVariables,
  readProviders,
} from './provider-variables';
import { Secret } from './secret';
import { vaultKeysProblems } from './vault-keys-check';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Builds the one configuration object from an environment (the process's by default, a
 * literal in tests); the only reader of process.env. The providers' variables come from
 * their definitions (the providers registry), so this lib names no provider. Every invalid
 * variable is reported by name at once; values are never echoed, since some are secrets.
 */
export function loadConfig(
  providers: readonly ProviderVariables[],
  environment: Environment = process.env,
): KeyhouseConfig {
  assertDistinct(providers);
  return buildConfig(environment, providers);
}

/**
 * SANDBOX mode: every provider without its own keys is pointed at the built-in fakes (whose
 * URLs and keys `sandboxEnvironment` holds); providers with real keys keep them.
 */
export function withSandbox(
  config: KeyhouseConfig,
  sandboxEnvironment: Environment,
  environment: Environment = process.env,
): KeyhouseConfig {
  const overlay: Record<string, string | undefined> = {};
  const providers = Object.values(config.providers);
  for (const provider of providers) {
    if (!provider.configured) {
      for (const name of providerVariableNames(provider.variables)) {
        overlay[name] = sandboxEnvironment[name];
      }
    }
  }
  return buildConfig(
    { ...environment, ...overlay, SANDBOX: 'true' },
    providers.map((provider) => provider.variables),
  );
}

function buildConfig(
  environment: Environment,
  providerVariables: readonly ProviderVariables[],
): KeyhouseConfig {
  const variables = plainToInstance(EnvironmentVariables, { ...environment });
  const problems = [
    ...validateSync(variables, { forbidUnknownValues: false }).flatMap((error) =>
      Object.values(error.constraints ?? {}).map((message) => withName(error.property, message)),
    ),
    ...vaultKeysProblems(variables.VAULT_KEYS, variables.VAULT_ACTIVE_KEY),
    ...providerVariableProblems(environment, providerVariables),
  ];
  if (problems.length > 0) {
    throw new ConfigurationError(problems);
  }
  const nodeEnv = (variables.NODE_ENV ?? 'development') as NodeEnvironment;
  const isProduction = nodeEnv === 'production';
  const providers = readProviders(environment, providerVariables);
  const anyProviderConfigured = Object.values(providers).some((provider) => provider.configured);
  const sandbox = variables.SANDBOX ?? (!isProduction && !anyProviderConfigured);

  const config: KeyhouseConfig = {
    nodeEnv,
    isProduction,
    logLevel: (variables.LOG_LEVEL ?? 'info') as LogLevel,
    http: {
      port: variables.PORT ?? 3000,
      host: variables.HOST ?? '127.0.0.1',
      bodyLimitBytes: 64 * 1024,
      workerPort: variables.WORKER_PORT ?? 3001,
      shutdownGraceMs: variables.SHUTDOWN_GRACE_MS ?? 25_000,
      requestTimeoutMs: variables.HTTP_REQUEST_TIMEOUT_MS ?? 30_000,
    },
    rateLimit: {
      perMinute: variables.RATE_LIMIT_PER_MINUTE ?? 6_000,
      authFailuresPerMinute: variables.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE ?? 30,
    },
    database: {
      url: secretOf(variables.DATABASE_URL),
      dataDir: resolve(variables.DATA_DIR ?? './.data'),
      poolSize: 10,
      statementTimeoutMs: variables.DATABASE_STATEMENT_TIMEOUT_MS ?? 5_000,
      connectTimeoutMs: variables.DATABASE_CONNECT_TIMEOUT_MS ?? 3_000,
    },
    vault: {
      keys: secretOf(variables.VAULT_KEYS),
      activeKeyId: variables.VAULT_ACTIVE_KEY,
    },
    bootstrapAdminKey: secretOf(variables.BOOTSTRAP_ADMIN_KEY),
    refresh: {
      enabled: variables.REFRESH_ENABLED ?? true,
      intervalMs: variables.REFRESH_INTERVAL_MS ?? 1_000,
      batchSize: variables.REFRESH_BATCH_SIZE ?? 50,
      concurrency: variables.REFRESH_CONCURRENCY ?? 10,
      leaseSeconds: variables.REFRESH_LEASE_SECONDS ?? 60,
      minLeadSeconds: variables.REFRESH_MIN_LEAD_SECONDS ?? 60,
      retryBaseMs: variables.REFRESH_RETRY_BASE_MS ?? 2_000,
      writeMarginMs: variables.REFRESH_WRITE_MARGIN_MS ?? 2_000,
    },
    integrations: {
      reloadIntervalMs: variables.INTEGRATIONS_RELOAD_MS ?? 30_000,
      environmentUserIds: variables.ENVIRONMENT_USER_IDS ?? 'derived',
    },
    upstream: {
      timeoutMs: variables.UPSTREAM_TIMEOUT_MS ?? 10_000,
      connectTimeoutMs: variables.UPSTREAM_CONNECT_TIMEOUT_MS ?? 3_000,
    },
    events: {
      retentionDays: variables.EVENT_RETENTION_DAYS ?? 30,
    },
    audit: {
      reads: variables.AUDIT_READS ?? true,
      flushMs: variables.AUDIT_FLUSH_MS ?? 10,
    },
    webhooks: {
      allowPrivateNetworks: variables.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? !isProduction,
      intervalMs: variables.WEBHOOK_INTERVAL_MS ?? 1_000,
      concurrency: variables.WEBHOOK_CONCURRENCY ?? 8,
      retryBaseMs: variables.WEBHOOK_RETRY_BASE_MS ?? 30_000,
      retryWindowSeconds: variables.WEBHOOK_RETRY_WINDOW_SECONDS ?? 86_400,
      timeoutMs: variables.WEBHOOK_TIMEOUT_MS ?? 10_000,
    },
    sandbox,
    providers,
    warnings: halfConfiguredProviders(environment, providerVariables),
  };
  assertLeaseOutlastsCalls(config);
  assertProductionSafe(config);
  return config;
}

/**
 * A refresh lease must outlast the upstream call made under it, with room to write the
 * result: if it ran out mid-call, another process could present the same single-use
 * refresh token. Twice the timeout leaves the heartbeat room to extend it between calls.
 */
function assertLeaseOutlastsCalls(config: KeyhouseConfig): void {
  const leaseMs = config.refresh.leaseSeconds * 1_000;
  const { timeoutMs } = config.upstream;
  if (leaseMs < 2 * timeoutMs || leaseMs < timeoutMs + config.refresh.writeMarginMs) {
    throw new ConfigurationError([
      'REFRESH_LEASE_SECONDS must be at least twice UPSTREAM_TIMEOUT_MS, and at least UPSTREAM_TIMEOUT_MS plus REFRESH_WRITE_MARGIN_MS (a lease must outlast the call made under it and its write)',
    ]);
  }
}

/** No silent downgrade: production without its keys, its database, or with fakes, does not start. */
function assertProductionSafe(config: KeyhouseConfig): void {
  if (!config.isProduction) {
    return;
  }
  const problems: string[] = [];
  if (!config.vault.keys) {
    problems.push('VAULT_KEYS is required when NODE_ENV=production');
  }
  if (!config.database.url) {
    problems.push('DATABASE_URL is required when NODE_ENV=production');
  }
  if (config.sandbox) {
    problems.push('SANDBOX=true is not allowed when NODE_ENV=production');
  }
  if (problems.length > 0) {
    throw new ConfigurationError(problems);
  }
}

function secretOf(value: string | undefined): Secret | undefined {
  return value === undefined ? undefined : new Secret(value);
}

function withName(variable: string, message: string): string {
  return message.startsWith(variable) ? message : `${variable}: ${message}`;
}
