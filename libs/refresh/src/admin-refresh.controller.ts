import { clientActor } from '@keyhouse/audit';
import { type Caller, CurrentCaller, RequireScope, UuidParamPipe } from '@keyhouse/common';
import {
  type AdminCredentialView,
  assertUsable,
  CredentialRepository,
  presentCredentialForAdmin,
} from '@keyhouse/vault';
import { AdminCredentialResponse } from '@keyhouse/vault';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEFAULT_HISTORY_HOURS, RefreshHistoryQuery } from './dto/refresh-history.query';
import { RefreshHistoryResponse } from './dto/refresh-history.response';
import { RefreshStatusResponse } from './dto/refresh-status.response';
import { RefreshHistoryService } from './refresh-history.service';
import { OnDemandRefreshService } from './on-demand-refresh.service';
import { assertRefreshServed } from './refresh-outcome';
import { type RefreshStatusView, RefreshStatusService } from './refresh-status.service';

@ApiTags('admin')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('admin')
export class AdminRefreshController {
  constructor(
    private readonly statusService: RefreshStatusService,
    private readonly credentials: CredentialRepository,
    private readonly refresher: OnDemandRefreshService,
    private readonly historyService: RefreshHistoryService,
  ) {}

  @Get('refresh/status')
  @ApiOperation({
    summary: 'Counts by provider and status, due now, overdue, scheduler ticks, failures by code',
  })
  @ApiOkResponse({ type: RefreshStatusResponse })
  status(): Promise<RefreshStatusView> {
    return this.statusService.status();
  }

  @Get('refresh/history')
  @ApiOperation({
    summary: 'Refresh outcomes and lateness per minute over the last hours (default 3, at most 24)',
  })
  @ApiOkResponse({ type: RefreshHistoryResponse })
  history(@Query() query: RefreshHistoryQuery): Promise<RefreshHistoryResponse> {
    return this.historyService.history(query.hours ?? DEFAULT_HISTORY_HOURS);
  }

  @Post('credentials/:id/refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Refresh a credential now (through the lease); its metadata after the refresh',
  })
  @ApiOkResponse({ type: AdminCredentialResponse })
  async refresh(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<AdminCredentialView> {
    const credential = await this.credentials.requireForAdmin(id);
    assertUsable(credential);
    const run = await this.refresher.refreshNow(credential, clientActor(caller));
    const after = (await this.credentials.findForAdmin(id)) ?? credential;
    assertRefreshServed(run, after, 'admin');
    return presentCredentialForAdmin(after);
  }
}
