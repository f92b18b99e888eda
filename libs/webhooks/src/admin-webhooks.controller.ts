import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  type Page,
  PageQuery,
  RequireScope,
} from '@keyhouse/common';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IntersectionType } from '@nestjs/swagger';
import { AdminWebhooksQuery } from './dto/webhook.dto';
import { AdminWebhookPageResponse } from './dto/webhook.response';
import { WebhookEndpoints } from './webhook-endpoints.service';
import type { AdminWebhookView } from './webhook.view';

class AdminWebhooksPageQuery extends IntersectionType(PageQuery, AdminWebhooksQuery) {}

@ApiTags('admin')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('admin/webhooks')
export class AdminWebhooksController {
  constructor(private readonly webhooks: WebhookEndpoints) {}

  @Get()
  @ApiOperation({ summary: "Every team's webhook endpoints with their delivery health" })
  @ApiOkResponse({ type: AdminWebhookPageResponse })
  list(@Query() query: AdminWebhooksPageQuery): Promise<Page<AdminWebhookView>> {
    return this.webhooks.listForAdmin(
      query.team,
      decodeCursor(query.cursor),
      query.limit ?? DEFAULT_PAGE_SIZE,
    );
  }
}
