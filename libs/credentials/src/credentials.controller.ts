import {
  type Caller,
  CurrentCaller,
  decodeCursor,
  DirectRoute,
  DEFAULT_PAGE_SIZE,
  type Page,
  RequireScope,
  UuidParamPipe,
} from '@keyhouse/common';
import type { CredentialView } from '@keyhouse/vault';
import { Controller, Delete, Get, Header, HttpCode, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AccessTokenResponse, CredentialPageResponse, CredentialResponse } from '@keyhouse/vault';
import { CredentialAccess } from './credential-access.service';
import { ListCredentialsQuery } from './dto/credential-queries';

@ApiTags('credentials')
@ApiBearerAuth()
@Controller('v1/credentials')
export class CredentialsController {
  constructor(private readonly access: CredentialAccess) {}

  @Get()
  @RequireScope('tokens:read')
  @ApiOperation({ summary: "Your team's credentials (metadata only)" })
  @ApiOkResponse({ type: CredentialPageResponse })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListCredentialsQuery,
  ): Promise<Page<CredentialView>> {
    const { limit, cursor, ...filters } = query;
    return this.access.list(caller, filters, decodeCursor(cursor), limit ?? DEFAULT_PAGE_SIZE);
  }

  @Get(':id')
  @RequireScope('tokens:read')
  @ApiOperation({ summary: "A credential's metadata" })
  @ApiOkResponse({ type: CredentialResponse })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<CredentialView> {
    return this.access.get(caller, id);
  }

  @Get(':id/token')
  @DirectRoute()
  @RequireScope('tokens:read')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'The access token, refreshed first if it is inside its refresh lead; 424 if the user must connect again',
  })
  @ApiOkResponse({ type: AccessTokenResponse })
  async token(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<AccessTokenResponse> {
    const { accessToken, expiresAt } = await this.access.readToken(caller, id);
    return { accessToken, expiresAt: expiresAt?.toISOString() ?? null };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('credentials:write')
  @ApiOperation({
    summary: 'Revoke upstream where the provider can, and erase the encrypted material',
  })
  @ApiNoContentResponse()
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<void> {
    await this.access.revoke(caller, id);
  }
}
