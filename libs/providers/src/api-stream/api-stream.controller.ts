import { type Caller, CurrentCaller, RequireProvider, RequireScope } from '@keyhouse/common';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_STREAM } from './api-stream-answers';
import { ApiStreamTokensService } from './api-stream-tokens.service';
import { ApiStreamAccessTokenResponse, CreateApiStreamAccessTokenDto } from './dto/api-stream.dto';

@ApiTags('api-stream')
@ApiBearerAuth()
@RequireProvider(API_STREAM)
@Controller('v1/api-stream')
export class ApiStreamController {
  constructor(private readonly tokens: ApiStreamTokensService) {}

  @Post('access-tokens')
  @HttpCode(200)
  @RequireScope('tokens:issue')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A role-scoped api.stream access token for one of your users' })
  @ApiOkResponse({ type: ApiStreamAccessTokenResponse })
  createAccessToken(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateApiStreamAccessTokenDto,
  ): Promise<ApiStreamAccessTokenResponse> {
    return this.tokens.createAccessToken(caller, body);
  }
}
