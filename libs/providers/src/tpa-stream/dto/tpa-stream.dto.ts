import { EXTERNAL_ID_PATTERN } from '@keyhouse/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class CreateConnectTokenDto {
  @ApiProperty({ description: "Your user's id", example: 'user-42' })
  @IsString()
  @Length(1, 256)
  @Matches(EXTERNAL_ID_PATTERN, { message: 'userId must be printable' })
  userId!: string;
}

export class ConnectTokenResponse {
  @ApiProperty({ description: 'The public access key the TPA Stream SDK is initialised with' })
  sdkToken!: string;

  @ApiProperty({ description: 'A fresh connect access token; handed out once, about an hour' })
  connectAccessToken!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}
