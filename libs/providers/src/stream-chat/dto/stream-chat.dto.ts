import { EXTERNAL_ID_PATTERN } from '@keyhouse/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** The contract (docs/api.md, Stream Chat): user tokens live an hour unless asked otherwise, and at most 30 days. */
export const DEFAULT_USER_TOKEN_SECONDS = 3_600;
export const MAX_USER_TOKEN_SECONDS = 30 * 86_400;

export class CreateUserTokenDto {
  @ApiProperty({
    description:
      "Your user's id; Stream sees upstreamUserId (derived per team on a shared integration)",
    example: 'user-42',
  })
  @IsString()
  @Length(1, 256)
  @Matches(EXTERNAL_ID_PATTERN, { message: 'userId must be printable' })
  userId!: string;

  @ApiPropertyOptional({
    description: 'Lifetime in seconds (development keys: at most 3600)',
    default: DEFAULT_USER_TOKEN_SECONDS,
    minimum: 1,
    maximum: MAX_USER_TOKEN_SECONDS,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_USER_TOKEN_SECONDS)
  expiresInSeconds?: number;
}

export class UserTokenResponse {
  @ApiProperty({ description: "The Stream app's public API key, for the SDK" }) apiKey!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({
    description: 'The user_id Stream sees; the client must connectUser with it',
    example: 'kh_3f1c0a9b27d84e6f5a1b0c9d8e7f6a5b4c3d2e1f',
  })
  upstreamUserId!: string;
  @ApiProperty({ description: 'HS256 user token with user_id, iat and exp' }) token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class RevokeUserTokensDto {
  @ApiProperty({ example: 'user-42' })
  @IsString()
  @Length(1, 256)
  @Matches(EXTERNAL_ID_PATTERN, { message: 'userId must be printable' })
  userId!: string;

  @ApiPropertyOptional({
    description:
      'Revoke tokens issued before this instant (ISO 8601; default now; at most a minute ahead)',
    format: 'date-time',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @IsISO8601({ strict: true }, { message: 'before must be an ISO 8601 date-time' })
  before?: string;
}

export class RevocationResponse {
  @ApiProperty() userId!: string;
  @ApiProperty({ description: 'The user_id whose tokens Stream revoked' }) upstreamUserId!: string;
  @ApiProperty({ format: 'date-time' }) revokedBefore!: string;
}
