import { type AuditActor, AuditService } from '@keyhouse/audit';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CredentialEntity } from './credential.entity';
import { recordCredentialEvents } from './credential-events';
import { CredentialRepository } from './credential.repository';
import { CredentialCipher, type TokenSecrets } from './crypto/credential-cipher';
import { VaultError, VaultErrorCode } from './vault.errors';

/** A revoked credential with its secrets as they were, for revoking it upstream too. */
export interface RevokedCredential {
  readonly credential: CredentialEntity;
  readonly secrets: TokenSecrets | null;
}

/**
 * Deleting a credential: its secrets are decrypted one last time (so the caller can revoke
 * them upstream after the commit, without holding row locks over a network call), then the
 * wrapped data key and both ciphertexts are erased in the same transaction as the audit
 * event. Nothing outside this transaction can bring them back.
 */
@Injectable()
export class CredentialRevocation {
  private readonly logger = new Logger('CredentialRevocation');

  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialRepository,
    private readonly cipher: CredentialCipher,
    private readonly audit: AuditService,
  ) {}

  /** 404 unless the credential belongs to `team`; revoking twice is a no-op. */
  async revokeForTeam(team: string, id: string, actor: AuditActor): Promise<RevokedCredential[]> {
    if (!(await this.credentials.findForTeam(team, id))) {
      throw new VaultError(VaultErrorCode.CredentialNotFound, 'credential was not found');
    }
    return this.revoke(team, { id }, actor);
  }

  revokeUserForTeam(team: string, userId: string, actor: AuditActor): Promise<RevokedCredential[]> {
    return this.revoke(team, { userId }, actor);
  }

  async revokeForAdmin(id: string, actor: AuditActor): Promise<RevokedCredential[]> {
    const credential = await this.credentials.requireForAdmin(id);
    return this.revoke(credential.team, { id }, actor);
  }

  private async revoke(
    team: string,
    filter: { id?: string; userId?: string },
    actor: AuditActor,
  ): Promise<RevokedCredential[]> {
    const revoked = await this.dataSource.transaction(async (manager) => {
      const live = await this.credentials.lockLiveForTeam(manager, team, filter);
      const withSecrets = await Promise.all(
        live.map(async (credential) => this.lastLook(credential)),
      );
      await this.credentials.shredForTeam(
        manager,
        team,
        live.map((credential) => credential.id),
      );
      await recordCredentialEvents(
        manager,
        'credential.revoked',
        live.map((credential) => credential.id),
      );
      for (const { credential } of withSecrets) {
        await this.audit.record(
          {
            action: 'credential.revoked',
            actor,
            team,
            userId: credential.userId,
            provider: credential.provider,
            credentialId: credential.id,
          },
          manager,
        );
      }
      return withSecrets;
    });
    // A concurrent read may have held the row again before the commit: drop it once more.
    this.credentials.forgetHeld(revoked.map(({ credential }) => credential.id));
    return revoked;
  }

  /** The secrets, if they still open; shredding goes ahead either way. */
  private async lastLook(credential: CredentialEntity): Promise<RevokedCredential> {
    try {
      return { credential, secrets: await this.cipher.openSecrets(credential) };
    } catch (error) {
      this.logger.warn(
        { err: error, credentialId: credential.id.slice(0, 8) },
        'revoking a credential that does not open',
      );
      return { credential, secrets: null };
    }
  }
}
