import { clientActor } from '@keyhouse/audit';
import { type Caller, CurrentCaller, RequireScope, UuidParamPipe } from '@keyhouse/common';
import { IntegrationCheckResponse } from '@keyhouse/integrations';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type CheckResult, IntegrationChecks } from './integration-checks.service';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('admin/integrations')
export class AdminIntegrationChecksController {
  constructor(private readonly checks: IntegrationChecks) {}

  @Post(':id/check')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'One harmless upstream call with the stored keys: {ok: true} or {ok: false, code, detail}',
  })
  @ApiOkResponse({ type: IntegrationCheckResponse })
  check(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<CheckResult> {
    return this.checks.check(id, clientActor(caller));
  }
}
