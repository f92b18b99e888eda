import { decodeCursor, DEFAULT_PAGE_SIZE, type Page, RequireScope } from '@keyhouse/common';

import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuditEventView, AuditService } from './audit.service';
import { AuditEventPageResponse } from './dto/audit-event.response';
import { AuditQuery } from './dto/audit-query.dto';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('admin/audit')
export class AdminAuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit events, newest first, filtered by team, credential or action' })
  @ApiOkResponse({ type: AuditEventPageResponse })
  list(@Query() query: AuditQuery): Promise<Page<AuditEventView>> {
    return this.audit.list(query, decodeCursor(query.cursor), query.limit ?? DEFAULT_PAGE_SIZE);
  }
}
