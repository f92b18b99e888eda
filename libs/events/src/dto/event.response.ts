import { ApiProperty } from '@nestjs/swagger';
import { EVENT_TYPES, type EventType } from '../event-types';

export class EventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: EventType;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty() team!: string;
  @ApiProperty({
    description:
      "The credential's metadata as /v1/credentials shows it (never a token), plus `reason` where there is one",
    type: 'object',
    additionalProperties: true,
  })
  data!: Record<string, unknown>;
}

export class EventPageResponse {
  @ApiProperty({ type: [EventResponse] }) items!: EventResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass back as `cursor` to read on; the same cursor again when nothing is new',
  })
  nextCursor!: string | null;
}
