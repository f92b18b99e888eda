import { type GatewayHarness, type GatewayOptions, startGateway } from './gateway-harness';
import { TcpProxy, throughProxy } from './tcp-proxy';
import { createTestDatabase, type TestDatabase } from './test-database';

/** A gateway whose database connections all pass through a proxy the test can cut or stall. */
export interface ProxiedGateway {
  readonly gateway: GatewayHarness;
  /** The database itself, reached directly (not through the proxy). */
  readonly database: TestDatabase;
  readonly proxy: TcpProxy;
  /** Closes the gateway, then the proxy, then drops the database. */
  stop(): Promise<void>;
}

export async function startProxiedGateway(
  options: Omit<GatewayOptions, 'database'> = {},
): Promise<ProxiedGateway> {
  const database = await createTestDatabase();
  const target = new URL(database.url);
  const proxy = new TcpProxy(target.hostname, Number(target.port));
  const proxyPort = await proxy.start();
  const gateway = await startGateway({
    ...options,
    database: { ...database, url: throughProxy(database.url, proxyPort) },
  });
  return {
    gateway,
    database,
    proxy,
    stop: async () => {
      await gateway.close();
      await proxy.stop();
      await database.drop();
    },
  };
}
