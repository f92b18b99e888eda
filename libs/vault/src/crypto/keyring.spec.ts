import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { VaultError, VaultErrorCode } from '../vault.errors';
import { LocalKeyring } from './keyring';
import { parseVaultKeys } from './keyring.factory';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);

describe('local keyring', () => {
  it('wraps with the active key and unwraps with the key named beside the blob', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (bytes) => {
        const dataKey = Buffer.from(bytes);
        const before = new LocalKeyring(new Map([['old', oldKey]]), 'old');
        const wrapped = await before.wrap(dataKey, 'credential:1');
        expect(wrapped.keyId).toBe('old');
        const after = new LocalKeyring(
          new Map([
            ['old', oldKey],
            ['new', newKey],
          ]),
          'new',
        );
        expect(await after.unwrap(wrapped, 'credential:1')).toEqual(dataKey);
        expect((await after.wrap(dataKey, 'credential:1')).keyId).toBe('new');
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a data key wrapped for another credential', async () => {
    const keyring = new LocalKeyring(new Map([['old', oldKey]]), 'old');
    const wrapped = await keyring.wrap(randomBytes(32), 'credential:1');
    await expect(keyring.unwrap(wrapped, 'credential:2')).rejects.toMatchObject({
      reason: VaultErrorCode.CannotOpen,
    });
  });

  it('refuses a wrapped key relabelled with another key id', async () => {
    const keyring = new LocalKeyring(
      new Map([
        ['old', oldKey],
        ['new', newKey],
      ]),
      'new',
    );
    const wrapped = await keyring.wrap(randomBytes(32), 'credential:1');
    await expect(
      keyring.unwrap({ ...wrapped, keyId: 'old' }, 'credential:1'),
    ).rejects.toMatchObject({
      reason: VaultErrorCode.CannotOpen,
    });
  });

  it('fails with a clear error for an unknown key id', async () => {
    const keyring = new LocalKeyring(new Map([['new', newKey]]), 'new');
    const attempt = keyring.unwrap({ keyId: 'retired', wrapped: randomBytes(61) }, 'credential:1');
    await expect(attempt).rejects.toBeInstanceOf(VaultError);
    await expect(attempt).rejects.toMatchObject({ reason: VaultErrorCode.UnknownKey });
    await expect(attempt).rejects.toThrow(/"retired"/);
  });

  it('refuses an active key that is not in the ring, and keys that are not 32 bytes', () => {
    expect(() => new LocalKeyring(new Map([['a', oldKey]]), 'b')).toThrow(/VAULT_ACTIVE_KEY/);
    expect(() => new LocalKeyring(new Map([['a', randomBytes(16)]]), 'a')).toThrow(/32 bytes/);
  });

  it('parses VAULT_KEYS and refuses malformed or duplicate entries', () => {
    const source = `a:${oldKey.toString('base64')},b:${newKey.toString('base64')}`;
    expect([...parseVaultKeys(source).keys()]).toEqual(['a', 'b']);
    expect(() => parseVaultKeys('a:short')).toThrow(/id:base64/);
    expect(() =>
      parseVaultKeys(`a:${oldKey.toString('base64')},a:${newKey.toString('base64')}`),
    ).toThrow(/twice/);
  });
});
