import type { AuditActor } from '@keyhouse/audit';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { type AccessToken, CredentialVault } from './credential-vault.service';

/** Refreshes a token inside its lead before handing it out; supplied by the refresh engine. */
export interface OnDemandRefresher {
  readFresh(team: string, id: string, actor: AuditActor): Promise<AccessToken>;
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

  read(team: string, id: string, actor: AuditActor): Promise<AccessToken> {
    return this.refresher
      ? this.refresher.readFresh(team, id, actor)
      : this.vault.readAccessToken(team, id, actor);
  }
}
