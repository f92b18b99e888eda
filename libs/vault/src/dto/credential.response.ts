import { ApiProperty } from '@nestjs/swagger';
import { CREDENTIAL_STATUSES } from '../credential.entity';

export class CredentialResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'mesh' }) provider!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ nullable: true, type: String }) accountId!: string | null;
  @ApiProperty({ enum: CREDENTIAL_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) refreshTokenExpiresAt!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) refreshAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastRefreshedAt!:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: 'invalid_grant' }) lastError!:
    string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CredentialPageResponse {
  @ApiProperty({ type: [CredentialResponse] }) items!: CredentialResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AccessTokenResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
}
