import { closeGracefully, onShutdownSignal, StartedResources } from '@keyhouse/common';
import { ConfigurationError, type KeyhouseConfig, loadConfig } from '@keyhouse/config';
import { resolveDatabase } from '@keyhouse/database';
import { createRootLogger } from '@keyhouse/observability';
import { providerVariables } from '@keyhouse/providers';
import type { Logger } from 'pino';
import { createWorkerApp } from './worker.app';

async function main(): Promise<void> {
  const config = loadConfig(providerVariables());
  const logger = createRootLogger({ level: config.logLevel, name: 'worker' });
  for (const warning of config.warnings) {
    logger.warn(warning);
  }
  if (config.sandbox) {
    // The fakes live in the gateway process (npm start); a separate worker would refresh
    // against upstreams whose state it cannot see.
    logger.warn(
      'SANDBOX has no effect in the worker: run the gateway alone, or give the worker real provider keys',
    );
  }
  const started = new StartedResources();
  try {
    await start(config, logger, started);
  } catch (error) {
    await started.stopAll(logger);
    throw error;
  }
}

async function start(config: KeyhouseConfig, logger: Logger, started: StartedResources) {
  const database = await resolveDatabase(config, logger);
  started.add('database', () => database.stop());
  const app = await createWorkerApp(database.config, logger);
  started.add('worker', () => closeGracefully(app));
  onShutdownSignal(logger, () => started.stopAll(logger), { graceMs: config.http.shutdownGraceMs });
  await app.listen({ port: config.http.workerPort, host: config.http.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.workerPort;
  logger.info({ host: config.http.host, port }, 'worker started');
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigurationError
      ? error.message
      : `worker failed to start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
