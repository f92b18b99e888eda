import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_HISTORY_HOURS = 24;
export const DEFAULT_HISTORY_HOURS = 3;

export class RefreshHistoryQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_HISTORY_HOURS, default: DEFAULT_HISTORY_HOURS })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_HISTORY_HOURS)
  hours?: number;
}
