import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CredentialEntity } from '../credential.entity';
import { VaultError, VaultErrorCode } from '../vault.errors';
import {
  associatedData,
  dataKeyContext,
  type SealContext,
  type SealedField,
} from './associated-data';
import { DataKeyCache } from './data-key-cache';
import type { Keyring, WrappedDataKey } from './keyring';
import { openWithAad, seal, sealedAad } from './sealed-box';

export const KEYRING = Symbol('KEYRING');

export interface TokenSecrets {
  readonly accessToken: string | null;
  readonly refreshToken: string | null;
}

export interface SealedSecrets {
  readonly encryptedAccessToken: Buffer | null;
  readonly encryptedRefreshToken: Buffer | null;
}

/**
 * Envelope encryption for credentials, and the only code that handles key material.
 * Each credential has its own random 256-bit data key for its whole life; rotating the
 * vault key re-wraps that data key and never touches the token ciphertexts.
 */
@Injectable()
export class CredentialCipher {
  private readonly dataKeys = new DataKeyCache();

  constructor(@Inject(KEYRING) private readonly keyring: Keyring) {}

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  hasKey(keyId: string): boolean {
    return this.keyring.hasKey(keyId);
  }

  keyIds(): readonly string[] {
    return this.keyring.keyIds();
  }

  async newDataKey(credentialId: string): Promise<{ dataKey: Buffer; wrapped: WrappedDataKey }> {
    const dataKey = randomBytes(32);
    return { dataKey, wrapped: await this.keyring.wrap(dataKey, dataKeyContext(credentialId)) };
  }

  async dataKeyOf(credential: CredentialEntity): Promise<Buffer> {
    const { wrapped, context } = wrappedKeyOf(credential);
    return this.dataKeys.get(wrapped, context, () => this.keyring.unwrap(wrapped, context));
  }

  /**
   * The data key, from the cache if a read put it there, else unwrapped and not kept: for a
   * caller that holds it for one piece of work (a refresh opens, then seals, under one key,
   * and the credential's next refresh is hours away, so a cached key would only sit in
   * memory; a refresh a read started finds the key that read unwrapped).
   */
  async unwrapDataKey(credential: CredentialEntity): Promise<Buffer> {
    const { wrapped, context } = wrappedKeyOf(credential);
    return this.dataKeys.peek(wrapped, context) ?? this.keyring.unwrap(wrapped, context);
  }

  /**
   * A data key for another sealed row (an integration, a vault-held key), wrapped under
   * `context` exactly as a credential's is under its id.
   */
  async newDataKeyFor(context: string): Promise<{ dataKey: Buffer; wrapped: WrappedDataKey }> {
    const dataKey = randomBytes(32);
    return { dataKey, wrapped: await this.keyring.wrap(dataKey, context) };
  }

  unwrapFor(wrapped: WrappedDataKey, context: string): Promise<Buffer> {
    return this.keyring.unwrap(wrapped, context);
  }

  /** Re-wraps another sealed row's data key under the active vault key (rotation). */
  async rewrapFor(wrapped: WrappedDataKey, context: string): Promise<WrappedDataKey> {
    return this.keyring.wrap(await this.keyring.unwrap(wrapped, context), context);
  }

  /** Re-wraps a data key under the active vault key (rotation). */
  async rewrap(credential: CredentialEntity): Promise<WrappedDataKey> {
    return this.keyring.wrap(await this.dataKeyOf(credential), dataKeyContext(credential.id));
  }

  sealSecrets(context: SealContext, dataKey: Buffer, secrets: TokenSecrets): SealedSecrets {
    return {
      encryptedAccessToken: this.sealField(context, dataKey, 'access_token', secrets.accessToken),
      encryptedRefreshToken: this.sealField(
        context,
        dataKey,
        'refresh_token',
        secrets.refreshToken,
      ),
    };
  }

  sealField(
    context: SealContext,
    dataKey: Buffer,
    field: SealedField,
    value: string | null,
  ): Buffer | null {
    return value === null ? null : seal(value, dataKey, associatedData(context, field));
  }

  async openSecrets(credential: CredentialEntity): Promise<TokenSecrets> {
    return this.openSecretsWith(credential, await this.dataKeyOf(credential));
  }

  openSecretsWith(credential: CredentialEntity, dataKey: Buffer): TokenSecrets {
    return {
      accessToken: this.openField(
        credential,
        dataKey,
        'access_token',
        credential.encryptedAccessToken,
      ),
      refreshToken: this.openField(
        credential,
        dataKey,
        'refresh_token',
        credential.encryptedRefreshToken,
      ),
    };
  }

  /** The access token alone (a read has no use for the refresh token). */
  async openAccessToken(credential: CredentialEntity): Promise<string | null> {
    if (credential.encryptedAccessToken === null) {
      return null;
    }
    // A held key is taken without an await: this is the token read's path.
    const { wrapped, context } = wrappedKeyOf(credential);
    const dataKey = this.dataKeys.held(wrapped, context) ?? (await this.dataKeyOf(credential));
    return this.openField(credential, dataKey, 'access_token', credential.encryptedAccessToken);
  }

  /** The interim token of a refresh awaiting a one-time code, or null. */
  async openInterimToken(credential: CredentialEntity): Promise<string | null> {
    if (credential.encryptedInterimToken === null) {
      return null;
    }
    const dataKey = await this.dataKeyOf(credential);
    return this.openField(credential, dataKey, 'interim_token', credential.encryptedInterimToken);
  }

  private openField(
    context: SealContext,
    dataKey: Buffer,
    field: SealedField,
    sealed: Buffer | null,
  ): string | null {
    return sealed === null ? null : openWithAad(sealed, dataKey, aadOf(context, field));
  }
}

interface BuiltAad {
  readonly id: string;
  readonly team: string;
  readonly userId: string;
  readonly provider: string;
  readonly aad: Buffer;
}

/**
 * The AAD of each field of each loaded row, built once per row object: the token read opens
 * the same cached row thousands of times a second, and encoding its context was a tenth of
 * the open. Held weakly (gone with the row) and checked against the row's current context,
 * so a row object whose fields were changed gets its AAD built anew, never a stale one.
 */
const builtAad = new WeakMap<SealContext, Map<SealedField, BuiltAad>>();

function aadOf(context: SealContext, field: SealedField): Buffer {
  let fields = builtAad.get(context);
  const built = fields?.get(field);
  if (
    built?.id === context.id &&
    built.team === context.team &&
    built.userId === context.userId &&
    built.provider === context.provider
  ) {
    return built.aad;
  }
  const aad = sealedAad(associatedData(context, field));
  if (!fields) {
    fields = new Map();
    builtAad.set(context, fields);
  }
  const { id, team, userId, provider } = context;
  fields.set(field, { id, team, userId, provider, aad });
  return aad;
}

function wrappedKeyOf(credential: CredentialEntity): { wrapped: WrappedDataKey; context: string } {
  if (!credential.wrappedDataKey || !credential.dataKeyId) {
    throw new VaultError(
      VaultErrorCode.CredentialRevoked,
      'the credential was revoked; its key is erased',
    );
  }
  return {
    wrapped: { keyId: credential.dataKeyId, wrapped: credential.wrappedDataKey },
    context: dataKeyContext(credential.id),
  };
}
