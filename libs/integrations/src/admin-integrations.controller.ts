import { clientActor } from '@keyhouse/audit';
import { type Caller, CurrentCaller, RequireScope, UuidParamPipe } from '@keyhouse/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateIntegrationDto,
  IntegrationListResponse,
  IntegrationProviderListResponse,
  IntegrationResponse,
  UpdateIntegrationDto,
} from './dto/integration.dto';
import type { IntegrationProviderView, IntegrationView } from './integration.view';
import { IntegrationsService } from './integrations.service';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('admin/integrations')
export class AdminIntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Post()
  @ApiOperation({ summary: 'Add a provider app (its settings and secrets) for some teams or all' })
  @ApiCreatedResponse({ type: IntegrationResponse })
  @ApiConflictResponse({ description: 'The provider already has one for a team, or for "*"' })
  create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateIntegrationDto,
  ): Promise<IntegrationView> {
    return this.integrations.create(body, clientActor(caller));
  }

  @Get()
  @ApiOperation({ summary: 'List integrations, the environment ones first (secret names only)' })
  @ApiOkResponse({ type: IntegrationListResponse })
  async list(): Promise<{ items: IntegrationView[] }> {
    return { items: await this.integrations.list() };
  }

  // A static segment, so the router prefers it to ':id' whatever the order.
  @Get('providers')
  @ApiOperation({ summary: 'The providers integrations can be made for, and their fields' })
  @ApiOkResponse({ type: IntegrationProviderListResponse })
  providers(): { items: IntegrationProviderView[] } {
    return { items: this.integrations.providers() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One integration (secret names only)' })
  @ApiOkResponse({ type: IntegrationResponse })
  get(@Param('id', UuidParamPipe) id: string): Promise<IntegrationView> {
    return this.integrations.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      'Change an integration (rename, teams, settings, rotate secrets); in force everywhere within 5 s',
  })
  @ApiOkResponse({ type: IntegrationResponse })
  @ApiConflictResponse({ description: 'Read-only (environment), a team clash, or userIds in use' })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateIntegrationDto,
  ): Promise<IntegrationView> {
    return this.integrations.update(id, body, clientActor(caller));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an integration that no live credential uses' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Read-only (environment), or it holds live credentials' })
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<void> {
    await this.integrations.delete(id, clientActor(caller));
  }
}
