import { randomUUID } from 'node:crypto';
import { type AuditActor, type AuditAction, AuditService } from '@keyhouse/audit';
import { storableJson } from '@keyhouse/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CredentialEntity, CredentialMetadata, CredentialStatus } from './credential.entity';
import { CredentialRepository } from './credential.repository';
import {
  CredentialStoreRepository,
  type LiveKey,
  type Queryable,
} from './credential-store.repository';
import type { StoreRow, StoreWrite } from './credential-store.sql';
import { type CredentialTiming, expiresAtOf, refreshTokenExpiresAtOf } from './credential-timing';
import { dataKeyContext } from './crypto/associated-data';
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
/** A store reads again when its row changed under it; this many times before it gives up. */
const MAX_STORE_ATTEMPTS = 4;

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
    private readonly stores: CredentialStoreRepository,
    private readonly cipher: CredentialCipher,
    private readonly audit: AuditService,
  ) {}

  /**
   * One statement on its own (its own transaction) in the common case: the row, its event
   * and its audit row together. See storeOn.
   */
  store(input: StoreCredentialInput): Promise<CredentialEntity> {
    return this.storeOn(this.dataSource, input);
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
    return this.storeOn(manager, input);
  }

  /**
   * Seals the tokens under the account's live row's data key (a replacement keeps its id and
   * key) or a new row's, then writes row, event and audit row in one statement. The
   * replacement holds only while the row still has the status and key it was sealed for; the
   * insert yields to a concurrent first store. Either way a miss reads the row again.
   */
  private async storeOn(runner: Queryable, input: StoreCredentialInput): Promise<CredentialEntity> {
    const accountKey = input.accountKey ?? '';
    for (let attempt = 1; ; attempt++) {
      const live = await this.stores.liveKeyForStore(
        runner,
        input.owner,
        input.provider,
        accountKey,
        attempt === 1,
      );
      const saved = live
        ? await this.replace(runner, input, live)
        : await this.insert(runner, input);
      if (saved) {
        return saved;
      }
      if (attempt === MAX_STORE_ATTEMPTS) {
        throw new Error(
          `the credential changed under ${MAX_STORE_ATTEMPTS} attempts to store its tokens`,
        );
      }
    }
  }

  private async replace(
    runner: Queryable,
    input: StoreCredentialInput,
    live: LiveKey,
  ): Promise<CredentialEntity | null> {
    const dataKey = await this.cipher.unwrapFor(
      { keyId: live.dataKeyId, wrapped: live.wrappedDataKey },
      dataKeyContext(live.id),
    );
    return this.stores.writeForStore(
      runner,
      this.storeRow(input, {
        write: live.status === 'active' ? 'replace' : 'recover',
        id: live.id,
        status: live.status,
        dataKey,
        dataKeyId: live.dataKeyId,
        wrappedDataKey: live.wrappedDataKey,
      }),
    );
  }

  private async insert(
    runner: Queryable,
    input: StoreCredentialInput,
  ): Promise<CredentialEntity | null> {
    const id = randomUUID();
    const { dataKey, wrapped } = await this.cipher.newDataKey(id);
    return this.stores.writeForStore(
      runner,
      this.storeRow(input, {
        write: 'insert',
        id,
        status: 'active',
        dataKey,
        dataKeyId: wrapped.keyId,
        wrappedDataKey: wrapped.wrapped,
      }),
    );
  }

  /** The row a store writes: the tokens sealed for `target`, the timing, the audit row. */
  private storeRow(input: StoreCredentialInput, target: StoreTarget): StoreRow {
    const context = {
      id: target.id,
      team: input.owner.team,
      userId: input.owner.userId,
      provider: input.provider,
    };
    const sealed = this.cipher.sealSecrets(context, target.dataKey, input.secrets);
    const { timing } = input;
    return {
      write: target.write,
      id: target.id,
      team: context.team,
      userId: context.userId,
      provider: context.provider,
      accountKey: input.accountKey ?? '',
      encryptedAccessToken: sealed.encryptedAccessToken,
      encryptedRefreshToken: sealed.encryptedRefreshToken,
      obtainedAt: timing.obtainedAt,
      expiresInSeconds: timing.expiresInSeconds,
      expiresAt: expiresAtOf(timing),
      refreshTokenExpiresAt: refreshTokenExpiresAtOf(timing),
      refreshTokenExpiresInSeconds: timing.refreshTokenExpiresInSeconds ?? null,
      refreshAt: timing.refreshAt,
      integrationId: input.integrationId ?? null,
      // Metadata may hold an upstream's words (an account's name): see storableJson.
      metadata: storableJson(input.metadata ?? {}),
      // A token minted for a caller was handed to it: that is its first read. Otherwise the
      // row keeps the read it had (null for a new one).
      lastReadAt: input.action === 'credential.issued' ? timing.obtainedAt : null,
      status: target.status,
      dataKeyId: target.dataKeyId,
      wrappedDataKey: target.wrappedDataKey,
      audit: { action: input.action, actor: input.actor, replaced: target.write !== 'insert' },
    };
  }
}

/** Which row a store writes, and the data key its tokens are sealed under. */
interface StoreTarget {
  readonly write: StoreWrite;
  readonly id: string;
  /** The status the live row had when sealed for ('active' for a new row). */
  readonly status: CredentialStatus;
  readonly dataKey: Buffer;
  readonly dataKeyId: string;
  readonly wrappedDataKey: Buffer;
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
