import { clientActor } from '@keyhouse/audit';
import {
  type Caller,
  CurrentCaller,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  type Page,
  PageQuery,
  UuidParamPipe,
} from '@keyhouse/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  type ApiClientView,
  type ApiClientWithKey,
  ApiClientsService,
} from '../api-clients.service';
import { RequireScope } from '@keyhouse/common';
import {
  ApiClientPageResponse,
  ApiClientResponse,
  ApiClientWithKeyResponse,
} from '../dto/api-client.response';
import { CreateApiClientDto } from '../dto/create-api-client.dto';
import { KnownProviders } from '../known-providers';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('admin/clients')
export class AdminClientsController {
  constructor(
    private readonly clients: ApiClientsService,
    private readonly knownProviders: KnownProviders,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API client; the answer holds its key, shown this once' })
  @ApiCreatedResponse({ type: ApiClientWithKeyResponse })
  create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateApiClientDto,
  ): Promise<ApiClientWithKey> {
    this.knownProviders.assertKnown(body.providers);
    return this.clients.create(body, clientActor(caller));
  }

  @Get()
  @ApiOperation({ summary: 'List API clients (key prefixes only)' })
  @ApiOkResponse({ type: ApiClientPageResponse })
  list(@Query() query: PageQuery): Promise<Page<ApiClientView>> {
    return this.clients.list(decodeCursor(query.cursor), query.limit ?? DEFAULT_PAGE_SIZE);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One API client (key prefix only)' })
  @ApiOkResponse({ type: ApiClientResponse })
  get(@Param('id', UuidParamPipe) id: string): Promise<ApiClientView> {
    return this.clients.get(id);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new key; the old one stops working at once' })
  @ApiOkResponse({ type: ApiClientWithKeyResponse })
  rotate(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<ApiClientWithKey> {
    return this.clients.rotate(id, clientActor(caller));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a client; its key stops working at once' })
  @ApiNoContentResponse()
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<void> {
    await this.clients.delete(id, clientActor(caller));
  }
}
