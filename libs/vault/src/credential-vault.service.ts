import { randomUUID } from 'node:crypto';
import { type AuditActor, type AuditAction, AuditService } from '@keyhouse/audit';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { CredentialEntity, type CredentialMetadata } from './credential.entity';
import { CredentialRepository } from './credential.repository';
import { recordCredentialEvents } from './credential-events';
import { type CredentialTiming, expiresAtOf, refreshTokenExpiresAtOf } from './credential-timing';
import { CredentialCipher, type TokenSecrets } from './crypto/credential-cipher';
import type { Owner } from './owner';
import { VaultError, VaultErrorCode } from './vault.errors';

export interface StoreCredentialInput {
  readonly owner: Owner;
  readonly provider: string;
  /** The integration it is minted under; omitted or null: the environment integration. */
  readonly integrationId?: string | null;
  /** Mesh account, MyDataHelps participant, ...; omitted for tokens with no account. */
  readonly accountKey?: string;
  readonly secrets: TokenSecrets;
  readonly timing: CredentialTiming;
  readonly metadata?: CredentialMetadata;
  readonly actor: AuditActor;
  readonly action: Extract<AuditAction, 'credential.issued' | 'credential.stored'>;
}

export interface AccessToken {
  readonly accessToken: string;
  readonly expiresAt: Date | null;
}

/** Reads are recorded at most this often per credential, for the keep-alive policy. */
const LAST_READ_RESOLUTION_SECONDS = 30;
const UNIQUE_VIOLATION = '23505';

/**
 * Stores and reads credentials through envelope encryption. Storing for an account that
 * already has a live credential replaces its tokens in place (same id, same data key), so
 * one account never has two live rows.
 */
@Injectable()
export class CredentialVault {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialRepository,
    private readonly cipher: CredentialCipher,
    private readonly audit: AuditService,
  ) {}

  async store(input: StoreCredentialInput): Promise<CredentialEntity> {
    try {
      return await this.dataSource.transaction((manager) => this.storeIn(manager, input));
    } catch (error) {
      // Two first-time stores for one account raced; the loser retries as a replacement.
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
      ) {
        return this.dataSource.transaction((manager) => this.storeIn(manager, input));
      }
      throw error;
    }
  }

  /** The decrypted access token of a live credential of `team`; 404 for another team's id. */
  async readAccessToken(team: string, id: string, actor: AuditActor): Promise<AccessToken> {
    return this.readLoaded(await this.requireForTeam(team, id), actor);
  }

  /**
   * The same for a row the caller already loaded through a team-scoped query (so a read
   * costs one fetch, not one per layer).
   */
  async readLoaded(credential: CredentialEntity, actor: AuditActor): Promise<AccessToken> {
    assertUsable(credential);
    if (credential.metadata.singleUse === true) {
      // Connect and link tokens are handed out once, when minted; never again from storage.
      throw new VaultError(
        VaultErrorCode.SingleUse,
        'this single-use token was handed out when it was minted; mint a new one',
      );
    }
    const accessToken = await this.cipher.openAccessToken(credential);
    if (accessToken === null) {
      throw new VaultError(
        VaultErrorCode.CredentialNeedsReauth,
        'the credential holds no access token yet',
      );
    }
    if (
      !credential.lastReadAt ||
      Date.now() - credential.lastReadAt.getTime() > LAST_READ_RESOLUTION_SECONDS * 1_000
    ) {
      this.credentials.noteRead(credential.id, LAST_READ_RESOLUTION_SECONDS);
    }
    this.audit.recordQuietly({
      action: 'credential.read',
      actor,
      team: credential.team,
      userId: credential.userId,
      provider: credential.provider,
      credentialId: credential.id,
    });
    return { accessToken, expiresAt: credential.expiresAt };
  }

  async requireForTeam(team: string, id: string): Promise<CredentialEntity> {
    const credential = await this.credentials.findForTeam(team, id);
    if (!credential) {
      throw new VaultError(VaultErrorCode.CredentialNotFound, 'credential was not found');
    }
    return credential;
  }

  /** The same as store(), inside the caller's transaction (settling a pending grant). */
  storeWith(manager: EntityManager, input: StoreCredentialInput): Promise<CredentialEntity> {
    return this.storeIn(manager, input);
  }

  private async storeIn(
    manager: EntityManager,
    input: StoreCredentialInput,
  ): Promise<CredentialEntity> {
    const accountKey = input.accountKey ?? '';
    const existing = await this.credentials.findLiveForAccountForUpdate(
      manager,
      input.owner,
      input.provider,
      accountKey,
    );
    const credential = existing ?? this.newCredential(input, accountKey);
    const previousStatus = existing?.status;
    const dataKey = existing
      ? await this.cipher.dataKeyOf(existing)
      : await this.assignDataKey(credential);
    Object.assign(credential, this.cipher.sealSecrets(credential, dataKey, input.secrets), {
      obtainedAt: input.timing.obtainedAt,
      expiresInSeconds: input.timing.expiresInSeconds,
      expiresAt: expiresAtOf(input.timing),
      refreshTokenExpiresAt: refreshTokenExpiresAtOf(input.timing),
      refreshTokenExpiresInSeconds: input.timing.refreshTokenExpiresInSeconds ?? null,
      refreshAt: input.timing.refreshAt,
      // New tokens supersede any refresh that was waiting for a one-time code.
      encryptedInterimToken: null,
      integrationId: input.integrationId ?? null,
      status: 'active',
      attempts: 0,
      lastError: null,
      metadata: { ...(existing?.metadata ?? {}), ...input.metadata },
      // A token minted for a caller was handed to it: that is its first read.
      lastReadAt:
        input.action === 'credential.issued'
          ? input.timing.obtainedAt
          : (existing?.lastReadAt ?? null),
      // A refresh in flight for the old tokens must not overwrite these: break its lease.
      leaseOwner: null,
      leaseExpiresAt: null,
      leaseToken: String(BigInt(credential.leaseToken ?? '0') + 1n),
    });
    const saved = existing
      ? await this.credentials.save(manager, credential)
      : await this.insertNew(manager, credential);
    // Replacing a live credential's tokens is no event; bringing a dead one back is.
    if (previousStatus === undefined) {
      await recordCredentialEvents(manager, 'credential.created', [saved.id]);
    } else if (previousStatus === 'needs_reauth' || previousStatus === 'expired') {
      await recordCredentialEvents(manager, 'credential.recovered', [saved.id]);
    }
    await this.audit.record(
      {
        action: input.action,
        actor: input.actor,
        team: saved.team,
        userId: saved.userId,
        provider: saved.provider,
        credentialId: saved.id,
        details: { replaced: existing !== null },
      },
      manager,
    );
    return saved;
  }

  private newCredential(input: StoreCredentialInput, accountKey: string): CredentialEntity {
    return Object.assign(new CredentialEntity(), {
      id: randomUUID(),
      team: input.owner.team,
      userId: input.owner.userId,
      provider: input.provider,
      accountKey,
      leaseToken: '0',
    });
  }

  private async assignDataKey(credential: CredentialEntity): Promise<Buffer> {
    const { dataKey, wrapped } = await this.cipher.newDataKey(credential.id);
    credential.wrappedDataKey = wrapped.wrapped;
    credential.dataKeyId = wrapped.keyId;
    return dataKey;
  }

  private async insertNew(
    manager: EntityManager,
    credential: CredentialEntity,
  ): Promise<CredentialEntity> {
    await this.credentials.insert(manager, credential);
    return await this.credentials.findInTransaction(manager, credential.id);
  }
}

/** A token can be handed out only from a live credential. */
export function assertUsable(credential: CredentialEntity): void {
  switch (credential.status) {
    case 'active':
      return;
    case 'revoked':
      throw new VaultError(VaultErrorCode.CredentialRevoked, 'the credential was revoked');
    case 'needs_reauth':
      throw new VaultError(
        VaultErrorCode.CredentialNeedsReauth,
        `the upstream refused the stored grant (${credential.lastError ?? 'unknown'}); the user must connect again`,
      );
    case 'expired':
      throw new VaultError(
        VaultErrorCode.CredentialNeedsReauth,
        'the token expired and cannot be refreshed; the user must connect again',
      );
  }
}
