export { retryAt, retryDelayMs } from './backoff';
export { LeaseOwner } from './lease-owner';
export { OnDemandRefreshService } from './on-demand-refresh.service';
export { RefreshExecutor, type RefreshRun, type RefreshTrigger } from './refresh-executor.service';
export { RefreshInstanceEntity } from './refresh-instance.entity';
export { RefreshModule, type RefreshModuleOptions } from './refresh.module';
export { RefreshScheduler } from './refresh-scheduler.service';
