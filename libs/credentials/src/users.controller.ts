import { type Caller, CurrentCaller, ExternalIdPipe, RequireScope } from '@keyhouse/common';
import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CredentialAccess } from './credential-access.service';

@ApiTags('credentials')
@ApiBearerAuth()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly access: CredentialAccess) {}

  @Delete(':userId')
  @HttpCode(204)
  @RequireScope('credentials:write')
  @ApiOperation({ summary: "Revoke and erase every credential of one of your team's users" })
  @ApiNoContentResponse()
  async remove(
    @CurrentCaller() caller: Caller,
    @Param('userId', ExternalIdPipe) userId: string,
  ): Promise<void> {
    await this.access.revokeUser(caller, userId);
  }
}
