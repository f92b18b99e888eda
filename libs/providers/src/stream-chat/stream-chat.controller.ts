import {
  type Caller,
  CurrentCaller,
  DirectRoute,
  RequireProvider,
  RequireScope,
} from '@keyhouse/common';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateUserTokenDto,
  RevocationResponse,
  RevokeUserTokensDto,
  UserTokenResponse,
} from './dto/stream-chat.dto';
import { STREAM_CHAT } from './stream-chat-answers';
import { StreamChatRevocationsService } from './stream-chat-revocations.service';
import { StreamChatTokensService } from './stream-chat-tokens.service';

@ApiTags('stream-chat')
@ApiBearerAuth()
@RequireProvider(STREAM_CHAT)
@Controller('v1/stream-chat')
export class StreamChatController {
  constructor(
    private readonly tokens: StreamChatTokensService,
    private readonly revocations: StreamChatRevocationsService,
  ) {}

  @Post('tokens')
  @DirectRoute()
  @HttpCode(200)
  @RequireScope('tokens:issue')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A Stream Chat user token, signed locally (HS256, user_id, iat, exp)' })
  @ApiOkResponse({ type: UserTokenResponse })
  token(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateUserTokenDto,
  ): Promise<UserTokenResponse> {
    return this.tokens.mint(caller, body.userId, body.expiresInSeconds);
  }

  @Post('revocations')
  @HttpCode(200)
  @RequireScope('tokens:issue')
  @ApiOperation({ summary: "Revoke at Stream a user's tokens issued before a time (default now)" })
  @ApiOkResponse({ type: RevocationResponse })
  revoke(
    @CurrentCaller() caller: Caller,
    @Body() body: RevokeUserTokensDto,
  ): Promise<RevocationResponse> {
    return this.revocations.revoke(caller, body.userId, body.before);
  }
}
