export { EventEntity } from './event.entity';
export { ALL_EVENTS, EVENT_TYPES, type EventType, type EventView } from './event-types';
export {
  CURRENT_XACT_ID,
  isoTimestamp,
  type OutboxInsert,
  outboxStatement,
} from './event-outbox.sql';
export { EventRetention } from './event-retention.service';
export { EventsModule, type EventsModuleOptions } from './events.module';
export { EventsRepository } from './events.repository';
export { type EventPage, EventsService, presentEvent } from './events.service';
