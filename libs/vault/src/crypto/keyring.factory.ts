import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyhouseConfig } from '@keyhouse/config';
import { Logger } from '@nestjs/common';
import { VaultError, VaultErrorCode } from '../vault.errors';
import { LocalKeyring } from './keyring';

const DEVELOPMENT_KEYS_FILE = 'vault-keys';

/**
 * The keyring from VAULT_KEYS; outside production, when VAULT_KEYS is unset, from a key
 * generated once into DATA_DIR (0600). Production never gets here without VAULT_KEYS:
 * configuration refuses to start, so there is no silent fallback to a weaker setup.
 */
export async function createKeyring(config: KeyhouseConfig): Promise<LocalKeyring> {
  const source = config.vault.keys?.reveal() ?? (await developmentKeys(config));
  const keys = parseVaultKeys(source);
  const activeKeyId = config.vault.activeKeyId ?? [...keys.keys()].at(-1)!;
  return new LocalKeyring(keys, activeKeyId);
}

/** `id:base64(32 bytes)`, comma-separated; ids unique. */
export function parseVaultKeys(source: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of source.split(',').map((part) => part.trim())) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (separator < 1 || key.length !== 32) {
      throw new VaultError(
        VaultErrorCode.InvalidKeyring,
        'VAULT_KEYS entries must be id:base64(32 bytes)',
      );
    }
    if (keys.has(id)) {
      throw new VaultError(VaultErrorCode.InvalidKeyring, `VAULT_KEYS lists key "${id}" twice`);
    }
    keys.set(id, key);
  }
  return keys;
}

export function generateVaultKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

async function developmentKeys(config: KeyhouseConfig): Promise<string> {
  if (config.isProduction) {
    throw new VaultError(VaultErrorCode.InvalidKeyring, 'VAULT_KEYS is required in production');
  }
  const file = join(config.database.dataDir, DEVELOPMENT_KEYS_FILE);
  await mkdir(config.database.dataDir, { recursive: true });
  try {
    // 'wx': processes sharing a DATA_DIR race safely; the loser reads the winner's key.
    await writeFile(file, generateVaultKey('dev-1'), { mode: 0o600, flag: 'wx' });
    new Logger('Vault').warn(
      { file },
      'generated a development vault key; set VAULT_KEYS in production',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  }
  return (await readFile(file, 'utf8')).trim();
}
