import {
  type Caller,
  CurrentCaller,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  type Page,
  PageQuery,
  RequireScope,
  UuidParamPipe,
} from '@keyhouse/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import {
  DeliveryPageResponse,
  WebhookPageResponse,
  WebhookResponse,
  WebhookSecretResponse,
  WebhookTestResponse,
  WebhookWithSecretResponse,
} from './dto/webhook.response';
import { WebhookEndpoints } from './webhook-endpoints.service';
import type { DeliveryView, WebhookView } from './webhook.view';

@ApiTags('webhooks')
@ApiBearerAuth()
@RequireScope('webhooks:write')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookEndpoints) {}

  @Post()
  @ApiOperation({ summary: 'Register an endpoint; the signing secret is shown this once' })
  @ApiCreatedResponse({ type: WebhookWithSecretResponse })
  create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateWebhookDto,
  ): Promise<WebhookView & { secret: string }> {
    return this.webhooks.create(caller.team, body);
  }

  @Get()
  @ApiOperation({ summary: "Your team's endpoints" })
  @ApiOkResponse({ type: WebhookPageResponse })
  list(@CurrentCaller() caller: Caller, @Query() query: PageQuery): Promise<Page<WebhookView>> {
    return this.webhooks.list(
      caller.team,
      decodeCursor(query.cursor),
      query.limit ?? DEFAULT_PAGE_SIZE,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookResponse })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<WebhookView> {
    return this.webhooks.get(caller.team, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, the subscribed events, the description, or pause it' })
  @ApiOkResponse({ type: WebhookResponse })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookView> {
    return this.webhooks.update(caller.team, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint and its pending deliveries' })
  @ApiNoContentResponse()
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<void> {
    await this.webhooks.remove(caller.team, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new signing secret; for 24 h deliveries are signed with the old one too',
  })
  @ApiOkResponse({ type: WebhookSecretResponse })
  rotateSecret(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<{ secret: string }> {
    return this.webhooks.rotateSecret(caller.team, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a webhook.test event to this endpoint' })
  @ApiAcceptedResponse({ type: WebhookTestResponse })
  test(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<{ eventId: string }> {
    return this.webhooks.sendTest(caller.team, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "This endpoint's deliveries, oldest first" })
  @ApiOkResponse({ type: DeliveryPageResponse })
  deliveries(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<Page<DeliveryView>> {
    return this.webhooks.listDeliveries(
      caller.team,
      id,
      decodeCursor(query.cursor),
      query.limit ?? DEFAULT_PAGE_SIZE,
    );
  }
}
