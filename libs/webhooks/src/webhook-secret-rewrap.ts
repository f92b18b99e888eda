import { RecordCipher, type RewrapParticipant, RewrapParticipants } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WEBHOOK_SECRET_KIND } from './webhook-secrets.service';

/**
 * Vault key rotation re-wraps webhook endpoints' data keys too (POST /admin/vault/rotate),
 * in small locked batches; the secrets' ciphertexts never change.
 */
@Injectable()
export class WebhookSecretRewrap implements RewrapParticipant {
  readonly name = 'webhook endpoints';

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: RecordCipher,
    participants: RewrapParticipants,
  ) {
    participants.register(this);
  }

  async countByDataKey(): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<{ key_id: string; count: number }[]>(
      `SELECT data_key_id AS key_id, count(*)::int AS count FROM webhook_endpoints GROUP BY data_key_id`,
    );
    return new Map(rows.map((row) => [row.key_id, row.count]));
  }

  rewrapBatch(activeKeyId: string, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const batch = await manager
        .getRepository(WebhookEndpointEntity)
        .createQueryBuilder('endpoint')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('endpoint.data_key_id <> :activeKeyId', { activeKeyId })
        .limit(limit)
        .getMany();
      for (const endpoint of batch) {
        const wrapped = await this.cipher.rewrap(
          { kind: WEBHOOK_SECRET_KIND, id: endpoint.id },
          { keyId: endpoint.dataKeyId, wrapped: endpoint.wrappedDataKey },
        );
        await manager.query(
          `UPDATE webhook_endpoints SET wrapped_data_key = $2, data_key_id = $3
            WHERE id = $1 AND data_key_id = $4`,
          [endpoint.id, wrapped.wrapped, wrapped.keyId, endpoint.dataKeyId],
        );
      }
      return batch.length;
    });
  }
}
