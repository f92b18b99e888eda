import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, SCOPES } from '@keyhouse/common';

export class ApiClientResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() team!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ type: [String] }) providers!: string[];
  @ApiProperty({ enum: ROLES, nullable: true }) maxRole!: string | null;
  @ApiProperty() development!: boolean;
  @ApiProperty({ example: 'kh_live_AbCd', description: 'The start of the key, for recognising it' })
  keyPrefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) lastUsedAt!: string | null;
}

export class ApiClientWithKeyResponse extends ApiClientResponse {
  @ApiProperty({ description: 'The API key. Shown in this answer only; store it now.' })
  apiKey!: string;
}

export class ApiClientPageResponse {
  @ApiProperty({ type: [ApiClientResponse] }) items!: ApiClientResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
