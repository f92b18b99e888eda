import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { ROLES, type Role, SCOPES, type Scope } from '@keyhouse/common';

/** Team names cannot start with "~": that prefix is Keyhouse's own (its app-level tokens). */
const TEAM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,255}$/;

export class CreateApiClientDto {
  @ApiProperty({ example: 'growth-backend', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'growth', description: 'The team whose users this key may act for' })
  @IsString()
  @Length(1, 256)
  @Matches(TEAM_PATTERN, {
    message: 'team must start with a letter or digit and use letters, digits, . _ : @ -',
  })
  team!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['tokens:issue', 'tokens:read'] })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true })
  scopes!: Scope[];

  @ApiProperty({
    type: [String],
    example: ['mesh', 'stream-chat'],
    description: 'Provider names, or "*" for all',
  })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  providers!: string[];

  @ApiPropertyOptional({
    enum: ROLES,
    description: 'The most capable api.stream role this key may mint',
  })
  @IsOptional()
  @IsIn(ROLES)
  maxRole?: Role;

  @ApiPropertyOptional({
    description: 'A development key: tokens capped at 1 hour and the VIEWER and GUEST roles',
  })
  @IsOptional()
  @IsBoolean()
  development?: boolean;
}
