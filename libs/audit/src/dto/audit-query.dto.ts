import { PageQuery } from '@keyhouse/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { AUDIT_ACTIONS } from '../audit-action';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) team?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() credentialId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS }) @IsOptional() @IsIn(AUDIT_ACTIONS) action?: string;
}
