import { Injectable } from '@nestjs/common';
import { decodeEventCursor, encodeEventCursor } from './event-cursor';
import type { EventEntity } from './event.entity';
import type { EventType, EventView } from './event-types';
import { EventsRepository } from './events.repository';

export interface EventPage {
  readonly items: readonly EventView[];
  /** Where to read on; the cursor given when nothing is new yet (a feed has no end). */
  readonly nextCursor: string | null;
}

@Injectable()
export class EventsService {
  constructor(private readonly events: EventsRepository) {}

  async page(
    team: string,
    cursor: string | undefined,
    types: readonly EventType[] | undefined,
    limit: number,
  ): Promise<EventPage> {
    const rows = await this.events.pageForTeam(team, decodeEventCursor(cursor), types, limit);
    const last = rows[rows.length - 1];
    return {
      items: rows.map(presentEvent),
      nextCursor: last ? encodeEventCursor(last) : (cursor ?? null),
    };
  }
}

export function presentEvent(event: EventEntity): EventView {
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    team: event.team,
    data: event.data,
  };
}
