import { type Caller, CurrentCaller, RequireScope, UuidParamPipe } from '@keyhouse/common';
import type { CredentialView } from '@keyhouse/vault';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { SecondFactorService } from './second-factor.service';

export class SecondFactorDto {
  @ApiProperty({ description: "The user's one-time code", example: '123456' })
  @IsString()
  @Length(1, 64)
  @Matches(/^[\x21-\x7e]+$/, { message: 'code must be 1–64 printable characters' })
  code!: string;
}

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
  @ApiOkResponse({ description: "The credential's metadata, active again" })
  complete(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: SecondFactorDto,
  ): Promise<CredentialView> {
    return this.secondFactor.complete(caller, id, body.code);
  }
}
