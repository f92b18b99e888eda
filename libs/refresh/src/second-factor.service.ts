import { clientActor } from '@keyhouse/audit';
import { AuthError, AuthErrorCode } from '@keyhouse/auth';
import { type Caller, mayUseProvider } from '@keyhouse/common';
import {
  ProviderError,
  ProviderErrorCode,
  ProviderRegistry,
  providerErrors,
  type RefreshAnswer,
  SecondFactorRequired,
  type TokenProvider,
  ProviderIntegrations,
} from '@keyhouse/providers';
import type { AuditActor } from '@keyhouse/audit';
import {
  CredentialCipher,
  type CredentialEntity,
  CredentialLeases,
  CredentialVault,
  type CredentialView,
  type LeasedCredential,
  presentCredential,
} from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { LeaseKeeper } from './lease-keeper.service';
import { RefreshExecutor } from './refresh-executor.service';
import { RefreshError, RefreshErrorCode } from './refresh.errors';

/**
 * Completes a refresh the upstream stopped for a one-time code (Mesh `mfaRequired`): under
 * the credential's lease, the second call carries the user's code and the interim token
 * kept sealed since; its answer is written like any refresh's. A refused code leaves the
 * credential waiting for another; a refused grant leaves it needing the user again.
 */
@Injectable()
export class SecondFactorService {
  constructor(
    private readonly vault: CredentialVault,
    private readonly leases: CredentialLeases,
    private readonly cipher: CredentialCipher,
    private readonly registry: ProviderRegistry,
    private readonly executor: RefreshExecutor,
    private readonly keeper: LeaseKeeper,
    private readonly integrations: ProviderIntegrations,
  ) {}

  async complete(caller: Caller, id: string, code: string): Promise<CredentialView> {
    const credential = await this.vault.requireForTeam(caller.team, id);
    if (!mayUseProvider(caller, credential.provider)) {
      throw new AuthError(
        AuthErrorCode.ProviderNotAllowed,
        `This API key may not use ${credential.provider}`,
      );
    }
    const provider = this.registry.get(credential.provider);
    if (!isAwaitingCode(credential) || !provider.completeWithCode) {
      throw new RefreshError(
        RefreshErrorCode.NotAwaitingCode,
        'this credential is not waiting for a one-time code',
      );
    }
    const lease = await this.keeper.claimAwaitingCode(id);
    if (!lease) {
      throw new RefreshError(
        RefreshErrorCode.CompletionInProgress,
        'this credential is being completed by another request; read it again shortly',
      );
    }
    const actor = clientActor(caller);
    try {
      if (!(await this.keeper.readyToPresent(lease))) {
        await this.keeper.handBack(lease);
        throw providerErrors(credential.provider).unavailable('lease_unavailable');
      }
      lease.markPresented();
      const answer = await this.secondCall(provider, lease.claim, code, actor);
      const written = await this.executor.record(lease, answer, provider, 'admin', actor);
      if (written === 'answer_lost') {
        throw providerErrors(credential.provider).unavailable('answer_lost');
      }
    } finally {
      this.keeper.finish(lease);
    }
    // A pending grant's row became its first account: the same id, now that account.
    return presentCredential(await this.vault.requireForTeam(caller.team, id));
  }

  /** The upstream call; every failure gives the lease back with the state it leaves. */
  private async secondCall(
    provider: TokenProvider,
    claim: LeasedCredential,
    code: string,
    actor: AuditActor,
  ): Promise<RefreshAnswer> {
    const { credential } = claim;
    try {
      const interim = await this.cipher.openInterimToken(credential);
      if (interim === null || !provider.completeWithCode) {
        throw new RefreshError(RefreshErrorCode.NotAwaitingCode, 'no one-time code is awaited');
      }
      return await provider.completeWithCode({
        credential,
        secrets: await this.leases.openSecrets(claim),
        interimAccessToken: interim,
        code,
        now: new Date(),
        integration: this.integrations.forCredential(credential),
      });
    } catch (error) {
      if (error instanceof SecondFactorRequired) {
        await this.leases.markAwaitingCode(claim, error.interimAccessToken, 'mfa_required', actor);
        throw new RefreshError(
          RefreshErrorCode.CodeRefused,
          'the upstream refused the one-time code; the credential still waits for a valid one',
        );
      }
      if (error instanceof ProviderError && error.reason === ProviderErrorCode.NeedsReauth) {
        await this.leases.markNeedsReauth(claim, error.upstreamCode, actor);
      } else {
        // Transient or unexpected: nothing changed, and the code can be sent again.
        await this.leases.reschedule(claim, null);
      }
      throw error;
    }
  }
}

function isAwaitingCode(credential: CredentialEntity): boolean {
  return (
    credential.status === 'needs_reauth' &&
    credential.lastError === 'mfa_required' &&
    credential.encryptedInterimToken !== null
  );
}
