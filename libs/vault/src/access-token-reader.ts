import type { AuditActor } from '@keyhouse/audit';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CredentialEntity } from './credential.entity';
import { type AccessToken, CredentialVault } from './credential-vault.service';

/** Refreshes a token inside its lead before handing it out; supplied by the refresh engine. */
export interface OnDemandRefresher {
  /**
   * Whether `prepareRead` has work to do (the token is inside its lead, or there is none
   * yet). Synchronous, like `schedulesAfterRead`: a read that needs neither awaits nothing
   * for them, and each await on the hot path costs promises on every request.
   */
  refreshesBeforeRead(credential: CredentialEntity): boolean;
  /**
   * The row to open: `credential` itself when it is outside its refresh lead; else the row
   * as the refresh left it (single flight, through the lease). Throws when what is left
   * cannot be served. `credential` was loaded through a team-scoped query.
   */
  prepareRead(credential: CredentialEntity, actor: AuditActor): Promise<CredentialEntity>;
  /** Whether `afterRead` has work to do: the credential is active and not scheduled. */
  schedulesAfterRead(credential: CredentialEntity): boolean;
  /** After a served read: a read-driven credential the scheduler let go idle is due again. */
  afterRead(credential: CredentialEntity): Promise<void>;
  /** Refreshes now, through the lease, whatever the lead (a grant that must be exchanged). */
  refreshNow(credential: CredentialEntity, actor: AuditActor): Promise<unknown>;
}
export const ON_DEMAND_REFRESHER = Symbol('ON_DEMAND_REFRESHER');

/**
 * The one way routes read a stored access token: refreshed first when the app has a
 * refresh engine and the token is inside its lead, then opened (the data key unwrapped
 * once, the access token alone) and audited once.
 */
@Injectable()
export class AccessTokenReader {
  constructor(
    private readonly vault: CredentialVault,
    @Optional() @Inject(ON_DEMAND_REFRESHER) private readonly refresher?: OnDemandRefresher,
  ) {}

  /** `credential` must come from a team-scoped query (requireForTeam, listLiveForOwner, ...). */
  async read(credential: CredentialEntity, actor: AuditActor): Promise<AccessToken> {
    const current = this.refresher?.refreshesBeforeRead(credential)
      ? await this.refresher.prepareRead(credential, actor)
      : credential;
    const token = await this.vault.readLoaded(current, actor);
    if (this.refresher?.schedulesAfterRead(current)) {
      await this.refresher.afterRead(current);
    }
    return token;
  }
}
