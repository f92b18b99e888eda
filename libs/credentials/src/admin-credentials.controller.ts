import { clientActor } from '@keyhouse/audit';
import {
  type Caller,
  CurrentCaller,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  type Page,
  RequireScope,
  toPage,
  UuidParamPipe,
} from '@keyhouse/common';
import {
  type AdminCredentialView,
  CredentialRepository,
  CredentialRevocation,
  presentCredentialForAdmin,
} from '@keyhouse/vault';
import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminCredentialPageResponse, AdminCredentialResponse } from '@keyhouse/vault';
import { CredentialAccess } from './credential-access.service';
import { AdminListCredentialsQuery } from './dto/credential-queries';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('admin/credentials')
export class AdminCredentialsController {
  constructor(
    private readonly credentials: CredentialRepository,
    private readonly revocation: CredentialRevocation,
    private readonly access: CredentialAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Credentials across teams (metadata only)' })
  @ApiOkResponse({ type: AdminCredentialPageResponse })
  async list(@Query() query: AdminListCredentialsQuery): Promise<Page<AdminCredentialView>> {
    const { limit = DEFAULT_PAGE_SIZE, cursor, ...filters } = query;
    return toPage(
      await this.credentials.listPageForAdmin(filters, decodeCursor(cursor), limit),
      limit,
      presentCredentialForAdmin,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: "One credential's metadata" })
  @ApiOkResponse({ type: AdminCredentialResponse })
  async get(@Param('id', UuidParamPipe) id: string): Promise<AdminCredentialView> {
    return presentCredentialForAdmin(await this.credentials.requireForAdmin(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke upstream where possible and erase the encrypted material' })
  @ApiNoContentResponse()
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<void> {
    const revoked = await this.revocation.revokeForAdmin(id, clientActor(caller));
    await this.access.revokeUpstream(revoked, clientActor(caller));
  }
}
