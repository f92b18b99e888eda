import { Module } from '@nestjs/common';
import { AdminApiClient } from './admin-api.client';
import { ConsoleApiController } from './console-api.controller';
import { ConsoleAssets } from './console-assets';
import { ConsolePagesController } from './console-pages.controller';
import { ConsoleSessionController } from './console-session.controller';
import { ConsoleSessionGuard } from './console-session.guard';
import { ConsoleSessionStore } from './console-session.store';

/** The operators' web console under /console: a browser front end over the admin API. */
@Module({
  controllers: [ConsoleSessionController, ConsoleApiController, ConsolePagesController],
  providers: [AdminApiClient, ConsoleAssets, ConsoleSessionStore, ConsoleSessionGuard],
})
export class ConsoleModule {}
