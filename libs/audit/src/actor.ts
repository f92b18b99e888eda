import type { Caller } from '@keyhouse/common';
import type { AuditActor } from './audit-action';

export function clientActor(caller: Caller): AuditActor {
  return { kind: 'client', clientId: caller.clientId, name: caller.name, team: caller.team };
}

export function systemActor(name: string): AuditActor {
  return { kind: 'system', name };
}
