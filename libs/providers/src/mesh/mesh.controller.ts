import { type Caller, CurrentCaller, RequireProvider, RequireScope } from '@keyhouse/common';
import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { CredentialView } from '@keyhouse/vault';
import {
  ConnectionsQuery,
  CreateLinkTokenDto,
  LinkTokenResponse,
  StoreConnectionsDto,
} from './dto/mesh.dto';
import {
  MeshConnectionsResponse,
  StoredConnectionsResponse,
} from './dto/mesh-connections.response';
import { type MeshConnections, MeshConnectionsService } from './mesh-connections.service';
import { MESH } from './mesh-answers';

@ApiTags('mesh')
@ApiBearerAuth()
@RequireProvider(MESH)
@Controller('v1/mesh')
export class MeshController {
  constructor(private readonly mesh: MeshConnectionsService) {}

  @Post('link-tokens')
  @HttpCode(200)
  @RequireScope('tokens:issue')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'A Mesh Link token for one of your users (single use, within 10 minutes)',
  })
  @ApiOkResponse({ type: LinkTokenResponse })
  linkToken(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateLinkTokenDto,
  ): Promise<LinkTokenResponse> {
    const { userId, ...options } = body;
    return this.mesh.createLinkToken(caller, userId, options);
  }

  @Post('connections')
  @RequireScope('credentials:write')
  @ApiOperation({
    summary:
      "Store what Mesh Link's onIntegrationConnected gave the page: one credential per account; a delayed-auth grant is exchanged at once",
  })
  @ApiCreatedResponse({ type: StoredConnectionsResponse })
  store(
    @CurrentCaller() caller: Caller,
    @Body() body: StoreConnectionsDto,
  ): Promise<{ items: CredentialView[] }> {
    return this.mesh.storeConnections(caller, body.userId, body.payload);
  }

  @Get('connections')
  @RequireScope('tokens:read')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "A user's connections, and the active ones' access tokens ready for Mesh Link",
  })
  @ApiOkResponse({ type: MeshConnectionsResponse })
  connections(
    @CurrentCaller() caller: Caller,
    @Query() query: ConnectionsQuery,
  ): Promise<MeshConnections> {
    return this.mesh.connections(caller, query.userId);
  }
}
