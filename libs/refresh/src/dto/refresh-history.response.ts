import { ApiProperty } from '@nestjs/swagger';

export class RefreshMinuteResponse {
  @ApiProperty({ format: 'date-time', description: 'Start of the minute' }) at!: string;
  @ApiProperty() succeeded!: number;
  @ApiProperty({ description: 'Failed, to be retried' }) retrying!: number;
  @ApiProperty({ description: 'Failed for good (the credential needs the user again)' })
  failed!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Seconds after refresh_at, mean' })
  latenessAvgSeconds!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Seconds after refresh_at, worst' })
  latenessMaxSeconds!: number | null;
}

export class RefreshHistoryResponse {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ example: 60 }) bucketSeconds!: number;
  @ApiProperty({ type: [RefreshMinuteResponse], description: 'One per minute, oldest first' })
  buckets!: RefreshMinuteResponse[];
}
