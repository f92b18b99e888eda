import { onShutdownSignal } from '@keyhouse/common';
import { ConfigurationError, loadConfig } from '@keyhouse/config';
import { resolveDatabase } from '@keyhouse/database';
import { createRootLogger, PinoNestLogger } from '@keyhouse/observability';
import { NestFactory } from '@nestjs/core';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createRootLogger({ level: config.logLevel, name: 'worker' });
  if (config.sandbox) {
    // The fakes live in the gateway process (npm start); a separate worker would refresh
    // against upstreams whose state it cannot see.
    logger.warn(
      'SANDBOX has no effect in the worker: run the gateway alone, or give the worker real provider keys',
    );
  }
  const database = await resolveDatabase(config, logger);
  const app = await NestFactory.createApplicationContext(
    WorkerModule.register(database.config, logger),
    {
      logger: new PinoNestLogger(logger),
    },
  );
  app.useLogger(app.get(NestPinoLogger));
  onShutdownSignal(logger, async () => {
    await app.close();
    await database.stop();
  });
  await app.init();
  logger.info('worker started');
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigurationError
      ? error.message
      : `worker failed to start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
