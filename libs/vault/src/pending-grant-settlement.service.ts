import { type AuditActor, AuditService } from '@keyhouse/audit';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LeasedCredential, LeaseOutcome } from './credential-leases.service';
import { CredentialRepository } from './credential.repository';
import { CredentialVault, type StoreCredentialInput } from './credential-vault.service';

export interface Settlement {
  readonly outcome: LeaseOutcome;
  /** The account credentials written, in the order given; empty when the lease was lost. */
  readonly credentialIds: readonly string[];
}

/**
 * A pending grant (stored before its accounts were known) whose exchange named accounts:
 * in one transaction, and only while this process still holds the grant's lease, the grant's
 * row becomes the first account that has no credential yet (so its id lives on), every
 * account's tokens are stored, and a grant whose accounts all existed already is retired.
 * Either all of it commits or none of it: the single-use answer is written once, whole.
 */
@Injectable()
export class PendingGrantSettlement {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialRepository,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
  ) {}

  /**
   * One attempt, the whole transaction with its lease check: the refresh engine retries it
   * for as long as the lease holds, and a retry can never write over a successor.
   */
  settle(
    claim: LeasedCredential,
    accounts: readonly StoreCredentialInput[],
    actor: AuditActor,
  ): Promise<Settlement> {
    return this.settleOnce(claim, accounts, actor);
  }

  private settleOnce(
    claim: LeasedCredential,
    accounts: readonly StoreCredentialInput[],
    actor: AuditActor,
  ): Promise<Settlement> {
    const { credential } = claim;
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.credentials.lockLeased(manager, credential.id, claim))) {
        return { outcome: 'lease_lost', credentialIds: [] };
      }
      const owner = { team: credential.team, userId: credential.userId };
      let adopted = false;
      for (const account of accounts) {
        const taken = await this.credentials.findLiveForAccountForUpdate(
          manager,
          owner,
          credential.provider,
          account.accountKey ?? '',
        );
        if (!taken) {
          await this.credentials.assignAccountKey(manager, credential.id, account.accountKey ?? '');
          adopted = true;
          break;
        }
      }
      if (!adopted) {
        // Every account was connected already: their rows take the tokens, the grant goes.
        await this.credentials.shredForTeam(manager, credential.team, [credential.id]);
        await this.audit.record(
          {
            action: 'credential.revoked',
            actor,
            team: credential.team,
            userId: credential.userId,
            provider: credential.provider,
            credentialId: credential.id,
            details: { reason: 'exchanged_into_existing_accounts' },
          },
          manager,
        );
      }
      const stored = [];
      for (const account of accounts) {
        stored.push(await this.vault.storeWith(manager, account));
      }
      return { outcome: 'written', credentialIds: stored.map((row) => row.id) };
    });
  }
}
