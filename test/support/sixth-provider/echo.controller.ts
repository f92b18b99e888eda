import { type Caller, CurrentCaller, RequireProvider, RequireScope } from '@keyhouse/common';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { CreateEchoTokenDto, type EchoTokenResponse } from './dto/echo.dto';
import { ECHO } from './echo-answers';
import { EchoTokensService } from './echo-tokens.service';

/** Echo's one route; grants, scopes, validation and errors are the gateway's, as for any. */
@RequireProvider(ECHO)
@Controller('v1/echo')
export class EchoController {
  constructor(private readonly tokens: EchoTokensService) {}

  @Post('tokens')
  @HttpCode(200)
  @RequireScope('tokens:issue')
  @Header('Cache-Control', 'no-store')
  mint(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateEchoTokenDto,
  ): Promise<EchoTokenResponse> {
    return this.tokens.mint(caller, body.userId);
  }
}
