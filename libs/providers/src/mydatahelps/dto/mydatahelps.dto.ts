import { EXTERNAL_ID_PATTERN } from '@keyhouse/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class ParticipantTokenDto {
  @ApiProperty({ description: 'The MyDataHelps participant id', example: 'participant-42' })
  @IsString()
  @Length(1, 256)
  @Matches(EXTERNAL_ID_PATTERN, { message: 'participantId must be 1–256 printable characters' })
  participantId!: string;
}

/** The snake_case token object MyDataHelps' browser SDK takes. */
export class SdkToken {
  @ApiProperty() access_token!: string;
  @ApiProperty({ description: 'Seconds the token has left' }) expires_in!: number;
  @ApiProperty({ enum: ['Bearer'] }) token_type!: 'Bearer';
}

export class ParticipantTokenResponse {
  @ApiProperty({ description: "The participant's access token, for the MyDataHelps SDK" })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds the token has left' }) expiresIn!: number;

  @ApiProperty({ format: 'date-time' }) expiresAt!: string;

  @ApiProperty({
    type: SdkToken,
    description: "First argument of the browser SDK's setParticipantAccessToken",
  })
  sdkToken!: SdkToken;

  @ApiProperty({
    description:
      'Second argument of setParticipantAccessToken: the MyDataHelps origin of the token URL, with a trailing slash',
    example: 'https://mydatahelps.org/',
  })
  baseUrl!: string;
}
