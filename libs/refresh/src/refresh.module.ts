import { AuditModule } from '@keyhouse/audit';
import { VaultModule, ON_DEMAND_REFRESHER, CredentialEntity } from '@keyhouse/vault';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminRefreshController } from './admin-refresh.controller';
import { LeaseKeeper } from './lease-keeper.service';
import { LeaseOwner } from './lease-owner';
import { OnDemandRefreshService } from './on-demand-refresh.service';
import { RefreshExecutor } from './refresh-executor.service';
import { RefreshHistoryService } from './refresh-history.service';
import { RefreshInstanceEntity } from './refresh-instance.entity';
import { RefreshMetrics, RUNS_SCHEDULER } from './refresh-metrics';
import { RefreshScheduler } from './refresh-scheduler.service';
import { RefreshStatusRepository } from './refresh-status.repository';
import { RefreshStatusService } from './refresh-status.service';
import { SecondFactorController } from './second-factor.controller';
import { SecondFactorService } from './second-factor.service';

export interface RefreshModuleOptions {
  /** Run the background scheduler in this process (REFRESH_ENABLED). */
  readonly scheduler: boolean;
  /** Serve the admin routes (the gateway does; the worker serves only health and metrics). */
  readonly http: boolean;
}

/**
 * The refresh engine: on-demand refresh for reads (always), the background scheduler
 * (where enabled), the admin routes. Global so the vault's reader seam can find it.
 */
@Global()
@Module({})
export class RefreshModule {
  static forRoot(options: RefreshModuleOptions): DynamicModule {
    return {
      module: RefreshModule,
      imports: [
        AuditModule,
        VaultModule,
        TypeOrmModule.forFeature([RefreshInstanceEntity, CredentialEntity]),
        ...(options.scheduler ? [ScheduleModule.forRoot()] : []),
      ],
      controllers: options.http ? [AdminRefreshController, SecondFactorController] : [],
      providers: [
        LeaseOwner,
        { provide: RUNS_SCHEDULER, useValue: options.scheduler },
        RefreshMetrics,
        LeaseKeeper,
        RefreshExecutor,
        RefreshStatusRepository,
        RefreshStatusService,
        RefreshHistoryService,
        OnDemandRefreshService,
        SecondFactorService,
        { provide: ON_DEMAND_REFRESHER, useExisting: OnDemandRefreshService },
        ...(options.scheduler ? [RefreshScheduler] : []),
      ],
      exports: [ON_DEMAND_REFRESHER, OnDemandRefreshService, LeaseOwner],
    };
  }
}
