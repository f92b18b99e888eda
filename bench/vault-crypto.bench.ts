// Sealing and opening tokens, beside the floor: raw node:crypto AES-256-GCM on the same
// bytes in the same run. The gap is Keyhouse's own cost (header, AAD encoding, buffers).
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { associatedData, type SealContext } from '../libs/vault/src/crypto/associated-data';
import { CredentialCipher } from '../libs/vault/src/crypto/credential-cipher';
import { LocalKeyring } from '../libs/vault/src/crypto/keyring';
import { open, seal } from '../libs/vault/src/crypto/sealed-box';
import type { CredentialEntity } from '../libs/vault/src/credential.entity';
import { asyncOpsPerSecond, type BenchRow, opsPerSecond } from './measure';

const TOKEN = randomBytes(384).toString('base64url'); // a 512-character token
const BENCHMARK = 'vault crypto (512-char token)';

export async function vaultCryptoBenchmark(): Promise<BenchRow[]> {
  const key = randomBytes(32);
  const context: SealContext = {
    id: randomUUID(),
    team: 'growth',
    userId: 'user-1',
    provider: 'mesh',
  };
  const aad = associatedData(context, 'access_token');

  const rawSeal = () => {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
    cipher.setAAD(aad);
    Buffer.concat([cipher.update(TOKEN, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  };
  const nonce = randomBytes(12);
  const rawCipher = createCipheriv('aes-256-gcm', key, nonce);
  rawCipher.setAAD(aad);
  const rawBody = Buffer.concat([rawCipher.update(TOKEN, 'utf8'), rawCipher.final()]);
  const rawTag = rawCipher.getAuthTag();
  const rawOpen = () => {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(rawTag);
    Buffer.concat([decipher.update(rawBody), decipher.final()]).toString('utf8');
  };
  const sealed = seal(TOKEN, key, aad);

  const keyring = new LocalKeyring(new Map([['bench', randomBytes(32)]]), 'bench');
  const cipher = new CredentialCipher(keyring);
  const { dataKey, wrapped } = await cipher.newDataKey(context.id);
  const credential = {
    ...context,
    wrappedDataKey: wrapped.wrapped,
    dataKeyId: wrapped.keyId,
    ...cipher.sealSecrets(context, dataKey, { accessToken: TOKEN, refreshToken: TOKEN }),
  } as CredentialEntity;

  return [
    {
      benchmark: BENCHMARK,
      variant: 'floor: raw node:crypto AES-256-GCM seal',
      opsPerSecond: opsPerSecond(rawSeal),
    },
    {
      benchmark: BENCHMARK,
      variant: 'Keyhouse seal',
      opsPerSecond: opsPerSecond(() => seal(TOKEN, key, associatedData(context, 'access_token'))),
    },
    {
      benchmark: BENCHMARK,
      variant: 'floor: raw node:crypto AES-256-GCM open',
      opsPerSecond: opsPerSecond(rawOpen),
    },
    {
      benchmark: BENCHMARK,
      variant: 'Keyhouse open',
      opsPerSecond: opsPerSecond(() => open(sealed, key, associatedData(context, 'access_token'))),
    },
    {
      benchmark: BENCHMARK,
      variant: 'Keyhouse open credential (unwrap data key + open both tokens)',
      opsPerSecond: await asyncOpsPerSecond(() => cipher.openSecrets(credential)),
    },
  ];
}
