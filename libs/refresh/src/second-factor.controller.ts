import { type Caller, CurrentCaller, RequireScope, UuidParamPipe } from '@keyhouse/common';
import { CredentialResponse, type CredentialView } from '@keyhouse/vault';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SecondFactorDto } from './dto/second-factor.dto';
import { SecondFactorService } from './second-factor.service';

@ApiTags('credentials')
@ApiBearerAuth()
@Controller('v1/credentials')
export class SecondFactorController {
  constructor(private readonly secondFactor: SecondFactorService) {}

  @Post(':id/mfa')
  @HttpCode(200)
  @RequireScope('credentials:write')
  @ApiOperation({
    summary:
      'Complete a refresh the upstream stopped for a one-time code (Mesh mfaRequired): 424 if the code is refused, 409 if none is awaited',
  })
  @ApiOkResponse({
    description: "The credential's metadata, active again",
    type: CredentialResponse,
  })
  complete(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: SecondFactorDto,
  ): Promise<CredentialView> {
    return this.secondFactor.complete(caller, id, body.code);
  }
}
