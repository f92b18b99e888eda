import { ApiProperty } from '@nestjs/swagger';

export class SchedulerStatusResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastTickAt!: string | null;
}

export class RefreshFailureCountResponse {
  @ApiProperty({ example: 'refresh_token_rejected' }) code!: string;
  @ApiProperty({ example: 'needs_reauth' }) status!: string;
  @ApiProperty() count!: number;
}

export class RefreshStatusResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } },
    description: 'Credential counts by provider, then by status',
    example: { mesh: { active: 3, needs_reauth: 1 } },
  })
  credentials!: Record<string, Record<string, number>>;

  @ApiProperty() dueNow!: number;
  @ApiProperty({ description: 'Active credentials past expiry that are still to be refreshed' })
  overdue!: number;
  @ApiProperty() leased!: number;
  @ApiProperty({ type: [SchedulerStatusResponse] }) schedulers!: SchedulerStatusResponse[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastTickAt!: string | null;
  @ApiProperty({ type: [RefreshFailureCountResponse] }) failures!: RefreshFailureCountResponse[];
}
