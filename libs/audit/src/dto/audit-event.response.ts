import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS } from '../audit-action';

export class AuditActorResponse {
  @ApiProperty({ enum: ['client', 'system'] }) kind!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) clientId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
}

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: string;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome!: string;
  @ApiProperty({ type: AuditActorResponse }) actor!: AuditActorResponse;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
  @ApiProperty({ nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ nullable: true, type: String }) provider!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) credentialId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) targetClientId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Non-secret details, flat: error codes, key ids, counts (string, number, boolean or null)',
  })
  details!: Record<string, string | number | boolean | null>;
}

export class AuditEventPageResponse {
  @ApiProperty({ type: [AuditEventResponse] }) items!: AuditEventResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
