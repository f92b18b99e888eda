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

export class ParticipantTokenResponse {
  @ApiProperty({ description: "The participant's access token, for the MyDataHelps SDK" })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds the token has left' }) expiresIn!: number;

  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
