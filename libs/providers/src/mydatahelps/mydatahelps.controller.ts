import { type Caller, CurrentCaller, RequireProvider, RequireScope } from '@keyhouse/common';
import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ParticipantTokenDto, ParticipantTokenResponse } from './dto/mydatahelps.dto';
import { MYDATAHELPS } from './mydatahelps-answers';
import { MyDataHelpsParticipantsService } from './mydatahelps-participants.service';

@ApiTags('mydatahelps')
@ApiBearerAuth()
@RequireProvider(MYDATAHELPS)
@Controller('v1/mydatahelps')
export class MyDataHelpsController {
  constructor(private readonly participants: MyDataHelpsParticipantsService) {}

  @Post('participant-tokens')
  @HttpCode(200)
  @RequireScope('tokens:issue')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'A MyDataHelps delegated participant token; the stored one while it has more than the refresh lead left',
  })
  @ApiOkResponse({ type: ParticipantTokenResponse })
  participantToken(
    @CurrentCaller() caller: Caller,
    @Body() body: ParticipantTokenDto,
  ): Promise<ParticipantTokenResponse> {
    return this.participants.participantToken(caller, body.participantId);
  }
}
