import { ALL_EVENTS, EVENT_TYPES } from '@keyhouse/events';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';

const SUBSCRIBABLE = [...EVENT_TYPES, ALL_EVENTS];

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://backend.example.com/keyhouse/webhooks', maxLength: 2048 })
  @IsString()
  @Length(1, 2048)
  url!: string;

  @ApiProperty({ enum: SUBSCRIBABLE, isArray: true, example: ['credential.needs_reauth'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE, { each: true })
  events!: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  url?: string;

  @ApiPropertyOptional({ enum: SUBSCRIBABLE, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE, { each: true })
  events?: string[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;

  @ApiPropertyOptional({ maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class AdminWebhooksQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) team?: string;
}
