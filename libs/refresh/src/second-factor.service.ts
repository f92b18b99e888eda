import { clientActor } from '@keyhouse/audit';
import { AuthError, AuthErrorCode } from '@keyhouse/auth';
import { type Caller, mayUseProvider } from '@keyhouse/common';
import { KeyhouseConfig } from '@keyhouse/config';
import {
  ProviderError,
  ProviderErrorCode,
  ProviderRegistry,
  type RefreshAnswer,
  SecondFactorRequired,
  type TokenProvider,
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
import { LeaseOwner } from './lease-owner';
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
    private readonly config: KeyhouseConfig,
    private readonly vault: CredentialVault,
    private readonly leases: CredentialLeases,
    private readonly cipher: CredentialCipher,
    private readonly registry: ProviderRegistry,
    private readonly executor: RefreshExecutor,
    private readonly owner: LeaseOwner,
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
    const claim = await this.leases.claimAwaitingCode(
      id,
      this.owner.id,
      this.config.refresh.leaseSeconds,
    );
    if (!claim) {
      throw new RefreshError(
        RefreshErrorCode.CompletionInProgress,
        'this credential is being completed by another request; read it again shortly',
      );
    }
    const actor = clientActor(caller);
    const answer = await this.secondCall(provider, claim, code, actor);
    await this.executor.record(claim, answer, provider, 'admin', actor);
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
