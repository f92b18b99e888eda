import { PageQuery } from '@keyhouse/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional } from 'class-validator';
import { EVENT_TYPES, type EventType } from '../event-types';

export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Comma-separated event types; all types when omitted',
    example: 'credential.needs_reauth,credential.expired',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((type) => type.trim()) : value,
  )
  @IsArray()
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  types?: EventType[];
}
