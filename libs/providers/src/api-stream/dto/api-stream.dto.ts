import { EXTERNAL_ID_PATTERN, ROLES, type Role } from '@keyhouse/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MAX_LIFETIME_SECONDS } from '../api-stream-access';

export class CreateApiStreamAccessTokenDto {
  @ApiProperty({ description: "Your user's id (api.stream's serviceUserId)", example: 'user-42' })
  @IsString()
  @Length(1, 256)
  @Matches(EXTERNAL_ID_PATTERN, { message: 'userId must be 1–256 printable characters' })
  userId!: string;

  @ApiProperty({ enum: ROLES, description: 'Most to least capable' })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'Shown to other participants', example: 'Ada' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(EXTERNAL_ID_PATTERN, { message: 'displayName must be 1–256 printable characters' })
  displayName?: string;

  @ApiPropertyOptional({
    description: 'Lifetime; default 172800 (48 h), development keys 3600 at most',
    minimum: 1,
    maximum: MAX_LIFETIME_SECONDS,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIFETIME_SECONDS)
  expiresInSeconds?: number;
}

export class ApiStreamAccessTokenResponse {
  @ApiProperty({ description: 'For the api.stream SDK' }) accessToken!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({
    description: 'The serviceUserId api.stream saw: derived per team on a shared integration',
    example: 'kh_3f1c0a9b27d84e6f5a1b0c9d8e7f6a5b4c3d2e1f',
  })
  upstreamUserId!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
