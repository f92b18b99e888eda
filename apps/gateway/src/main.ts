import { BootstrapAdminService } from '@keyhouse/auth';
import { onShutdownSignal } from '@keyhouse/common';
import { ConfigurationError, loadConfig, withSandbox } from '@keyhouse/config';
import { resolveDatabase } from '@keyhouse/database';
import { createRootLogger } from '@keyhouse/observability';
import { startSandbox } from '@keyhouse/sandbox';
import { createGatewayApp } from './gateway.app';
import { printAdminKeyOnce, printListening } from './startup-banner';

async function main(): Promise<void> {
  const configured = loadConfig();
  const logger = createRootLogger({ level: configured.logLevel, name: 'gateway' });
  // SANDBOX: fake upstreams in this process, for every provider without real keys.
  const sandbox = configured.sandbox ? await startSandbox() : undefined;
  const config = sandbox ? withSandbox(configured, sandbox.environment()) : configured;
  if (sandbox) {
    logger.warn(
      'SANDBOX is on: unconfigured providers answer from built-in fakes, not the real upstreams',
    );
  }
  const database = await resolveDatabase(config, logger);
  const app = await createGatewayApp(database.config, logger);
  onShutdownSignal(logger, async () => {
    await app.close();
    await database.stop();
    await sandbox?.stop();
  });
  await app.listen({ port: config.http.port, host: config.http.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info({ host: config.http.host, port, sandbox: config.sandbox }, 'gateway listening');
  printListening(`http://${config.http.host}:${port}`);
  printAdminKeyOnce(app.get(BootstrapAdminService).takeGeneratedKey());
}

main().catch((error: unknown) => {
  // Configuration errors name the variable and never carry a value; print them plainly.
  const message =
    error instanceof ConfigurationError
      ? error.message
      : `gateway failed to start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
