import type { AuditActor } from '@keyhouse/audit';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CredentialEntity } from './credential.entity';
import { type AccessToken, CredentialVault } from './credential-vault.service';

/** Refreshes a token inside its lead before handing it out; supplied by the refresh engine. */
export interface OnDemandRefresher {
  /** `credential` was loaded through a team-scoped query. */
  readFresh(credential: CredentialEntity, actor: AuditActor): Promise<AccessToken>;
  /** Refreshes now, through the lease, whatever the lead (a grant that must be exchanged). */
  refreshNow(credential: CredentialEntity, actor: AuditActor): Promise<unknown>;
}
export const ON_DEMAND_REFRESHER = Symbol('ON_DEMAND_REFRESHER');

/**
 * The one way routes read a stored access token: through the refresh engine when the app
 * has one (so a token inside its lead is refreshed first, single flight), else straight
 * from the vault.
 */
@Injectable()
export class AccessTokenReader {
  constructor(
    private readonly vault: CredentialVault,
    @Optional() @Inject(ON_DEMAND_REFRESHER) private readonly refresher?: OnDemandRefresher,
  ) {}

  /** `credential` must come from a team-scoped query (requireForTeam, listLiveForOwner, ...). */
  read(credential: CredentialEntity, actor: AuditActor): Promise<AccessToken> {
    return this.refresher
      ? this.refresher.readFresh(credential, actor)
      : this.vault.readLoaded(credential, actor);
  }
}
