import type { Caller } from '@keyhouse/common';
import type { AuditActor } from './audit-action';

export function clientActor(caller: Caller): AuditActor {
  return { kind: 'client', clientId: caller.clientId, name: caller.name, team: caller.team };
}

export function systemActor(name: string): AuditActor {
  return { kind: 'system', name };
}

/** How an actor is stored: the columns of `audit_events` that name who acted. */
export interface ActorColumns {
  readonly actorKind: AuditActor['kind'];
  readonly actorClientId: string | null;
  readonly actorName: string;
  readonly actorTeam: string | null;
}

export function actorColumns(actor: AuditActor): ActorColumns {
  return {
    actorKind: actor.kind,
    actorClientId: actor.kind === 'client' ? actor.clientId : null,
    actorName: actor.name,
    actorTeam: actor.kind === 'client' ? actor.team : null,
  };
}
