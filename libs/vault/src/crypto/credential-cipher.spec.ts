import { randomBytes } from 'node:crypto';
import type { CredentialEntity } from '../credential.entity';
import { CredentialCipher } from './credential-cipher';
import { type Keyring, LocalKeyring } from './keyring';

/** A keyring that counts its unwraps (each would be a KMS call). */
function countingKeyring(): { keyring: Keyring; unwraps: () => number } {
  const local = new LocalKeyring(new Map([['k1', randomBytes(32)]]), 'k1');
  let unwraps = 0;
  const keyring: Keyring = {
    activeKeyId: local.activeKeyId,
    keyIds: () => local.keyIds(),
    hasKey: (id) => local.hasKey(id),
    wrap: (key, context) => local.wrap(key, context),
    unwrap: (wrapped, context) => {
      unwraps++;
      return local.unwrap(wrapped, context);
    },
  };
  return { keyring, unwraps: () => unwraps };
}

describe('CredentialCipher data keys', () => {
  async function stored(cipher: CredentialCipher): Promise<CredentialEntity> {
    const id = 'a3c0ffee-0000-4000-8000-000000000001';
    const { wrapped } = await cipher.newDataKey(id);
    return { id, wrappedDataKey: wrapped.wrapped, dataKeyId: wrapped.keyId } as CredentialEntity;
  }

  it('unwraps for one piece of work without keeping the key', async () => {
    const { keyring, unwraps } = countingKeyring();
    const cipher = new CredentialCipher(keyring);
    const credential = await stored(cipher);
    const once = await cipher.unwrapDataKey(credential);
    const twice = await cipher.unwrapDataKey(credential);
    expect(twice.equals(once)).toBe(true);
    expect(unwraps()).toBe(2);
  });

  it('takes the key a read already holds, without unwrapping again', async () => {
    const { keyring, unwraps } = countingKeyring();
    const cipher = new CredentialCipher(keyring);
    const credential = await stored(cipher);
    const read = await cipher.dataKeyOf(credential);
    expect(await cipher.unwrapDataKey(credential)).toBe(read);
    expect(unwraps()).toBe(1);
  });
});
