import { type Caller, CurrentCaller, RequireProvider, RequireScope } from '@keyhouse/common';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConnectTokenResponse, CreateConnectTokenDto } from './dto/tpa-stream.dto';
import { TPA_STREAM } from './tpa-stream-answers';
import { TpaStreamTokensService } from './tpa-stream-tokens.service';

@ApiTags('tpa-stream')
@ApiBearerAuth()
@RequireProvider(TPA_STREAM)
@Controller('v1/tpa-stream')
export class TpaStreamController {
  constructor(private readonly tokens: TpaStreamTokensService) {}

  @Post('connect-tokens')
  @HttpCode(200)
  @RequireScope('tokens:issue')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'A connect access token for the TPA Stream SDK (what its connectAccessTokenRefreshFn calls); handed out once',
  })
  @ApiOkResponse({ type: ConnectTokenResponse })
  connectToken(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateConnectTokenDto,
  ): Promise<ConnectTokenResponse> {
    return this.tokens.createConnectToken(caller, body.userId);
  }
}
