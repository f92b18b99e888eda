import { createHmac } from 'node:crypto';
import { CredentialCipher } from '@keyhouse/vault';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Integration } from './integration';
import { VaultHeldKeyEntity } from './vault-held-key.entity';

const IDENTITY_KEY_ID = 'upstream-identity';
/** Derived ids start so, which tells them apart from ids sent as they are in logs and support. */
const DERIVED_PREFIX = 'kh_';
/** 160 bits of the HMAC in hex: 43 characters with the prefix, inside [a-z0-9_-]{1,64}. */
const DERIVED_HEX_CHARS = 40;

export function vaultHeldKeyContext(id: string): string {
  return `vault-held-key:${id}`;
}

/**
 * The user id an upstream sees, where Keyhouse chooses it. An integration shared by several
 * teams (or all) gets HMAC-SHA256(identity key, integration, team, userId): deterministic
 * in every process, opaque, and different for two teams with the same userId, so no team
 * can act as another's user upstream. The one identity key is a data key held by the vault
 * (created once, re-wrapped by rotation); the integration id in the input keeps the ids of
 * two integrations apart.
 */
@Injectable()
export class UpstreamIdentities implements OnApplicationBootstrap {
  #key?: Buffer;

  constructor(
    @InjectRepository(VaultHeldKeyEntity)
    private readonly keys: Repository<VaultHeldKeyEntity>,
    private readonly cipher: CredentialCipher,
  ) {}

  /** After the vault's own start-up checks, which name a missing key better. */
  async onApplicationBootstrap(): Promise<void> {
    this.#key = await this.loadOrCreate();
  }

  /** The id to send upstream for this team's user under this integration. */
  upstreamUserId(integration: Integration, team: string, userId: string): string {
    if (integration.userIds === 'verbatim') {
      return userId;
    }
    if (!this.#key) {
      throw new Error('the upstream identity key is not loaded yet');
    }
    const digest = createHmac('sha256', this.#key)
      .update(JSON.stringify(['keyhouse.upstream-user.v1', integration.id, team, userId]))
      .digest('hex');
    return `${DERIVED_PREFIX}${digest.slice(0, DERIVED_HEX_CHARS)}`;
  }

  private async loadOrCreate(): Promise<Buffer> {
    const existing = await this.keys.findOneBy({ id: IDENTITY_KEY_ID });
    if (existing) {
      return this.unwrap(existing);
    }
    const { wrapped } = await this.cipher.newDataKeyFor(vaultHeldKeyContext(IDENTITY_KEY_ID));
    // Processes starting together race here: the first insert wins, and all read it back.
    await this.keys
      .createQueryBuilder()
      .insert()
      .values({ id: IDENTITY_KEY_ID, wrappedDataKey: wrapped.wrapped, dataKeyId: wrapped.keyId })
      .orIgnore()
      .execute();
    return this.unwrap(await this.keys.findOneByOrFail({ id: IDENTITY_KEY_ID }));
  }

  private unwrap(row: VaultHeldKeyEntity): Promise<Buffer> {
    return this.cipher.unwrapFor(
      { keyId: row.dataKeyId, wrapped: row.wrappedDataKey },
      vaultHeldKeyContext(row.id),
    );
  }
}
