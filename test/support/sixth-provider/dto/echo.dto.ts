import { EXTERNAL_ID_PATTERN } from '@keyhouse/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class CreateEchoTokenDto {
  @ApiProperty({ example: 'user-42' })
  @IsString()
  @Length(1, 256)
  @Matches(EXTERNAL_ID_PATTERN, { message: 'userId must be printable' })
  userId!: string;
}

export class EchoTokenResponse {
  @ApiProperty() userId!: string;
  @ApiProperty({ description: 'The user echo saw (derived per team on a shared integration)' })
  upstreamUserId!: string;
  @ApiProperty() token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
