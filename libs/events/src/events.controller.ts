import { type Caller, CurrentCaller, DEFAULT_PAGE_SIZE, RequireScope } from '@keyhouse/common';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListEventsQuery } from './dto/event-queries';
import { EventPageResponse } from './dto/event.response';
import { type EventPage, EventsService } from './events.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @RequireScope('events:read')
  @ApiOperation({
    summary: "Your team's events in commit order; keep the cursor and you miss none",
  })
  @ApiOkResponse({ type: EventPageResponse })
  list(@CurrentCaller() caller: Caller, @Query() query: ListEventsQuery): Promise<EventPage> {
    return this.events.page(
      caller.team,
      query.cursor,
      query.types,
      query.limit ?? DEFAULT_PAGE_SIZE,
    );
  }
}
