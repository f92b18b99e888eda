import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { USER_ID_MODES, type UserIdMode } from '../integration.entity';

/** A team name as API clients carry it, or "*" for every team. */
const TEAM_OR_ALL = /^(\*|[A-Za-z0-9][A-Za-z0-9._:@-]{0,255})$/;
const TEAM_MESSAGE = 'each team must be "*" or a team name (letters, digits, . _ : @ -)';

export class CreateIntegrationDto {
  @ApiProperty({ example: 'stream-chat' })
  @IsString()
  @Length(1, 32)
  provider!: string;

  @ApiProperty({ example: 'growth chat app', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ type: [String], example: ['growth'], description: 'Team names, or ["*"] for all' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(256)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(TEAM_OR_ALL, { each: true, message: TEAM_MESSAGE })
  teams!: string[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { apiKey: 'k' },
  })
  @IsObject()
  settings!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Sealed at once; never returned',
  })
  @IsObject()
  secrets!: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: USER_ID_MODES,
    description: 'Default: verbatim for exactly one team, derived otherwise',
  })
  @IsOptional()
  @IsIn(USER_ID_MODES)
  userIds?: UserIdMode;
}

export class UpdateIntegrationDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: [String], description: 'Replaces the list' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(256)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(TEAM_OR_ALL, { each: true, message: TEAM_MESSAGE })
  teams?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Fields given replace those stored; others stay',
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Fields given replace those stored (a key rotation); others stay',
  })
  @IsOptional()
  @IsObject()
  secrets?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: USER_ID_MODES, description: 'Only while no credential uses it' })
  @IsOptional()
  @IsIn(USER_ID_MODES)
  userIds?: UserIdMode;
}

export class IntegrationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'stream-chat' }) provider!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) teams!: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  settings!: Record<string, string>;
  @ApiProperty({ type: [String], description: 'Names of the secrets held; never their values' })
  secretFields!: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  secretsUpdatedAt!: string | null;
  @ApiProperty({ enum: USER_ID_MODES }) userIds!: UserIdMode;
  @ApiProperty({
    description: 'True for the environment integration, which only the environment changes',
  })
  readOnly!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt!: string | null;
}

export class IntegrationListResponse {
  @ApiProperty({ type: [IntegrationResponse] }) items!: IntegrationResponse[];
}

export class IntegrationCheckResponse {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ example: 'upstream_misconfigured' }) code?: string;
  @ApiPropertyOptional({ example: 'stream-chat refused the stored keys (stream_auth_2)' })
  detail?: string;
}

export class IntegrationFieldResponse {
  @ApiProperty({ example: 'apiKey' }) name!: string;
  @ApiProperty({ enum: ['url', 'text'] }) kind!: 'url' | 'text';
  @ApiProperty({ description: 'May be left out when creating' }) optional!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Used when the field is left out' })
  defaultValue!: string | null;
  @ApiProperty() description!: string;
}

export class IntegrationProviderResponse {
  @ApiProperty({ example: 'stream-chat' }) provider!: string;
  @ApiProperty({ type: [IntegrationFieldResponse] }) settings!: IntegrationFieldResponse[];
  @ApiProperty({
    type: [IntegrationFieldResponse],
    description: 'Sealed when written; never returned',
  })
  secrets!: IntegrationFieldResponse[];
  @ApiProperty({
    enum: ['chosen', 'provider-owned'],
    description: 'chosen: Keyhouse picks the upstream user id; provider-owned: sent as it is',
  })
  upstreamUserIds!: 'chosen' | 'provider-owned';
}

export class IntegrationProviderListResponse {
  @ApiProperty({ type: [IntegrationProviderResponse] }) items!: IntegrationProviderResponse[];
}
