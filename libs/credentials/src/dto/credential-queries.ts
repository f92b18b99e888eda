import { DecimalInteger, PageQuery } from '@keyhouse/common';
import { CREDENTIAL_STATUSES, type CredentialStatus } from '@keyhouse/vault';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class ListCredentialsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) userId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 32) provider?: string;

  @ApiPropertyOptional({ enum: CREDENTIAL_STATUSES })
  @IsOptional()
  @IsIn(CREDENTIAL_STATUSES)
  status?: CredentialStatus;
}

export class AdminListCredentialsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) team?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 32) provider?: string;

  @ApiPropertyOptional({ enum: CREDENTIAL_STATUSES })
  @IsOptional()
  @IsIn(CREDENTIAL_STATUSES)
  status?: CredentialStatus;

  @ApiPropertyOptional({
    description: 'Only credentials whose access token expires within this many seconds',
  })
  @IsOptional()
  @DecimalInteger()
  @IsInt()
  @Min(0)
  @Max(315_360_000)
  expiringWithinSeconds?: number;
}
