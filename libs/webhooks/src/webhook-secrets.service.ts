import { RecordCipher, type SealedRecord } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity';

export const WEBHOOK_SECRET_KIND = 'webhook_endpoint';

/** Sealing and opening an endpoint's signing secrets, under the vault's keys. */
@Injectable()
export class WebhookSecrets {
  constructor(private readonly cipher: RecordCipher) {}

  /** Gives a new endpoint its data key and sealed secret. */
  async sealNew(endpoint: WebhookEndpointEntity, secret: string): Promise<void> {
    const record = recordOf(endpoint);
    const { dataKey, wrapped } = await this.cipher.newDataKey(record);
    endpoint.wrappedDataKey = wrapped.wrapped;
    endpoint.dataKeyId = wrapped.keyId;
    endpoint.encryptedSecret = this.cipher.seal(record, dataKey, 'secret', secret);
    endpoint.encryptedPreviousSecret = null;
    endpoint.previousSecretExpiresAt = null;
  }

  /** Rotation: the new secret becomes current, the current one is kept as previous until `until`. */
  async rotate(endpoint: WebhookEndpointEntity, secret: string, until: Date): Promise<void> {
    const record = recordOf(endpoint);
    const dataKey = await this.dataKeyOf(endpoint);
    const current = this.cipher.open(record, dataKey, 'secret', endpoint.encryptedSecret);
    endpoint.encryptedPreviousSecret = this.cipher.seal(
      record,
      dataKey,
      'previous_secret',
      current,
    );
    endpoint.previousSecretExpiresAt = until;
    endpoint.encryptedSecret = this.cipher.seal(record, dataKey, 'secret', secret);
  }

  /** The secrets a delivery is signed with now: the current one, and the previous during a rotation. */
  async signingSecrets(endpoint: WebhookEndpointEntity, now = new Date()): Promise<string[]> {
    const record = recordOf(endpoint);
    const dataKey = await this.dataKeyOf(endpoint);
    const secrets = [this.cipher.open(record, dataKey, 'secret', endpoint.encryptedSecret)];
    if (
      endpoint.encryptedPreviousSecret &&
      endpoint.previousSecretExpiresAt &&
      endpoint.previousSecretExpiresAt > now
    ) {
      secrets.push(
        this.cipher.open(record, dataKey, 'previous_secret', endpoint.encryptedPreviousSecret),
      );
    }
    return secrets;
  }

  private dataKeyOf(endpoint: WebhookEndpointEntity): Promise<Buffer> {
    return this.cipher.dataKeyOf(recordOf(endpoint), {
      keyId: endpoint.dataKeyId,
      wrapped: endpoint.wrappedDataKey,
    });
  }
}

function recordOf(endpoint: WebhookEndpointEntity): SealedRecord {
  return { kind: WEBHOOK_SECRET_KIND, id: endpoint.id };
}
