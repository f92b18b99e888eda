import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventEntity } from './event.entity';
import { EventRetention } from './event-retention.service';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';

export interface EventsModuleOptions {
  /** Sweep old events here (where the scheduler runs). */
  readonly scheduler: boolean;
  /** Serve /v1/events (the gateway does; the worker has no HTTP). */
  readonly http: boolean;
}

/** The event outbox and the /v1/events feed. */
@Module({})
export class EventsModule {
  static forRoot(options: EventsModuleOptions): DynamicModule {
    return {
      module: EventsModule,
      imports: [TypeOrmModule.forFeature([EventEntity])],
      controllers: options.http ? [EventsController] : [],
      providers: [EventsRepository, EventsService, ...(options.scheduler ? [EventRetention] : [])],
      exports: [EventsRepository, EventsService],
    };
  }
}
