import { BootstrapAdminService } from '@keyhouse/auth';
import { closeGracefully, onShutdownSignal, StartedResources } from '@keyhouse/common';
import { ConfigurationError, type KeyhouseConfig, loadConfig, withSandbox } from '@keyhouse/config';
import { resolveDatabase } from '@keyhouse/database';
import { createRootLogger } from '@keyhouse/observability';
import { providerVariables, startSandbox } from '@keyhouse/providers';
import type { Logger } from 'pino';
import { createGatewayApp } from './gateway.app';
import { listeningPort, printAdminKeyOnce, printListening } from './startup-banner';

async function main(): Promise<void> {
  const configured = loadConfig(providerVariables());
  const logger = createRootLogger({ level: configured.logLevel, name: 'gateway' });
  for (const warning of configured.warnings) {
    logger.warn(warning);
  }
  const started = new StartedResources();
  try {
    await start(configured, logger, started);
  } catch (error) {
    // Whatever came up (the embedded Postgres above all) goes down with the failed start.
    await started.stopAll(logger);
    throw error;
  }
}

async function start(
  configured: KeyhouseConfig,
  logger: Logger,
  started: StartedResources,
): Promise<void> {
  // SANDBOX: fake upstreams in this process, for every provider without real keys.
  const sandbox = configured.sandbox ? await startSandbox() : undefined;
  if (sandbox) {
    started.add('sandbox', () => sandbox.stop());
    logger.warn(
      'SANDBOX is on: unconfigured providers answer from built-in fakes, not the real upstreams',
    );
  }
  const config = sandbox ? withSandbox(configured, sandbox.environment()) : configured;
  const database = await resolveDatabase(config, logger);
  started.add('database', () => database.stop());
  const app = await createGatewayApp(database.config, logger);
  started.add('gateway', () => closeGracefully(app));
  onShutdownSignal(logger, () => started.stopAll(logger), { graceMs: config.http.shutdownGraceMs });
  await app.listen({ port: config.http.port, host: config.http.host });
  // Only now, with nothing left that can fail, is a first admin key generated and shown.
  printAdminKeyOnce(await app.get(BootstrapAdminService).generateIfFirstStart());
  const port = listeningPort(app, config.http.port);
  logger.info({ host: config.http.host, port, sandbox: config.sandbox }, 'gateway listening');
  printListening(`http://${config.http.host}:${port}`);
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
