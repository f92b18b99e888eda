import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type KeyhouseConfig, loadConfig } from '@keyhouse/config';
import { createRootLogger } from '@keyhouse/observability';
import { PROVIDER_REGISTRY, type ProviderDefinition, providerVariables } from '@keyhouse/providers';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
// The harness builds the real gateway exactly as main.ts does.
// eslint-disable-next-line no-restricted-imports
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { HttpClient } from './http-client';
import { LogCapture } from './log-capture';
import { createTestDatabase, type TestDatabase } from './test-database';

/** Fixed vault keys for tests, so several gateways (and restarts) share one keyring. */
export const TEST_VAULT_KEY_A = `test-a:${Buffer.alloc(32, 0xa1).toString('base64')}`;
export const TEST_VAULT_KEY_B = `test-b:${Buffer.alloc(32, 0xb2).toString('base64')}`;
export const TEST_VAULT_KEYS = TEST_VAULT_KEY_A;
/** The keyring after a key change: A still held, B active (data sealed under A awaits re-wrap). */
export const TEST_ROTATED_KEYRING = {
  VAULT_KEYS: `${TEST_VAULT_KEY_A},${TEST_VAULT_KEY_B}`,
  VAULT_ACTIVE_KEY: 'test-b',
} as const;

export interface GatewayHarness {
  readonly app: NestFastifyApplication;
  readonly config: KeyhouseConfig;
  readonly baseUrl: string;
  /** No key: for public routes and 401 checks. */
  readonly http: HttpClient;
  /** The bootstrap admin key. */
  readonly admin: HttpClient;
  readonly adminKey: string;
  readonly logs: LogCapture;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Extra or overriding environment variables. */
  readonly env?: Record<string, string | undefined>;
  /** Reuse a database (several gateways on one database); otherwise a fresh one is made and dropped. */
  readonly database?: TestDatabase;
  /** The providers the gateway is built with: the registry unless a test adds its own. */
  readonly providers?: readonly ProviderDefinition[];
}

/** The real gateway on a loopback port, over a fresh database, with every log line captured. */
export async function startGateway(options: GatewayOptions = {}): Promise<GatewayHarness> {
  const database = options.database ?? (await createTestDatabase());
  const adminKey = `test-admin-${randomBytes(24).toString('base64url')}`;
  const providers = options.providers ?? PROVIDER_REGISTRY;
  const config = loadConfig(providerVariables(providers), {
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: database.url,
    BOOTSTRAP_ADMIN_KEY: adminKey,
    SANDBOX: 'false',
    REFRESH_ENABLED: 'false',
    VAULT_KEYS: TEST_VAULT_KEYS,
    // Suites send many unauthenticated requests from one address; the rate-limit suite
    // sets its own budgets.
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
    ...options.env,
  });
  const logs = new LogCapture();
  const logger = createRootLogger({ level: config.logLevel, destination: logs, name: 'gateway' });
  const app = await createGatewayApp(config, logger, providers);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    baseUrl,
    http: new HttpClient(baseUrl),
    admin: new HttpClient(baseUrl, adminKey),
    adminKey,
    logs,
    database,
    close: async () => {
      await app.close();
      if (!options.database) {
        await database.drop();
      }
    },
  };
}
