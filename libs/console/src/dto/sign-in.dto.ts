import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class SignInDto {
  @ApiProperty({ description: 'An API key with the admin scope' })
  @IsString()
  @Length(1, 512)
  apiKey!: string;
}

export class ConsoleSessionResponse {
  @ApiProperty({ description: 'Send it back as X-CSRF-Token on every state-changing request' })
  csrfToken!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ example: 'kh_live_AbCd' }) keyPrefix!: string;
}
