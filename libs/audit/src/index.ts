export { actorColumns, clientActor, systemActor } from './actor';
export {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditActor,
  type AuditDetails,
  type AuditEventInput,
  type AuditOutcome,
} from './audit-action';
export { AuditEventEntity } from './audit-event.entity';
export { AuditModule } from './audit.module';
export { type AuditEventView, AuditService } from './audit.service';
export type { RefreshMinuteRow } from './audit.repository';
