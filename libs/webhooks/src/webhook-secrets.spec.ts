import { randomUUID } from 'node:crypto';
import { LocalKeyring, RecordCipher, VaultError } from '@keyhouse/vault';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { generateWebhookSecret } from './webhook-secret';
import { WebhookSecrets } from './webhook-secrets.service';

const HOUR = 3_600_000;

function endpoint(): WebhookEndpointEntity {
  return Object.assign(new WebhookEndpointEntity(), { id: randomUUID(), team: 'growth' });
}

describe('webhook secrets', () => {
  const keyring = new LocalKeyring(new Map([['k1', Buffer.alloc(32, 9)]]), 'k1');
  const secrets = new WebhookSecrets(new RecordCipher(keyring));

  it('signs with the new and the previous secret until the rotation window ends', async () => {
    const row = endpoint();
    const first = generateWebhookSecret();
    await secrets.sealNew(row, first);
    expect(row.encryptedSecret.toString('utf8')).not.toContain(first.slice(6));
    expect(await secrets.signingSecrets(row)).toEqual([first]);

    const now = new Date();
    const second = generateWebhookSecret();
    await secrets.rotate(row, second, new Date(now.getTime() + 24 * HOUR));
    expect(await secrets.signingSecrets(row, now)).toEqual([second, first]);
    expect(await secrets.signingSecrets(row, new Date(now.getTime() + 25 * HOUR))).toEqual([
      second,
    ]);
  });

  it("binds a sealed secret to its row: another row's ciphertext does not open", async () => {
    const [one, two] = [endpoint(), endpoint()];
    await secrets.sealNew(one, generateWebhookSecret());
    await secrets.sealNew(two, generateWebhookSecret());
    const swapped = Object.assign(new WebhookEndpointEntity(), {
      ...two,
      encryptedSecret: one.encryptedSecret,
    });
    await expect(secrets.signingSecrets(swapped)).rejects.toBeInstanceOf(VaultError);
    const moved = Object.assign(new WebhookEndpointEntity(), { ...one, id: two.id });
    await expect(secrets.signingSecrets(moved)).rejects.toBeInstanceOf(VaultError);
  });

  it('makes secrets of 32 random bytes after whsec_', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});
