import { CredentialCipher, open, seal, type WrappedDataKey } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import type { IntegrationEntity } from './integration.entity';

/** The encryption context an integration's data key is wrapped under. */
export function integrationKeyContext(id: string): string {
  return `integration:${id}`;
}

/** Binds a sealed secret to its integration and field: moved anywhere else, it fails to open. */
function secretAad(id: string, provider: string, field: string): Buffer {
  return Buffer.from(JSON.stringify(['keyhouse.integration.v1', id, provider, field]), 'utf8');
}

/** Seals and opens integration secrets with the vault's envelope encryption. */
@Injectable()
export class IntegrationSealing {
  constructor(private readonly cipher: CredentialCipher) {}

  newDataKey(id: string): Promise<{ dataKey: Buffer; wrapped: WrappedDataKey }> {
    return this.cipher.newDataKeyFor(integrationKeyContext(id));
  }

  dataKeyOf(row: IntegrationEntity): Promise<Buffer> {
    return this.cipher.unwrapFor(
      { keyId: row.dataKeyId, wrapped: row.wrappedDataKey },
      integrationKeyContext(row.id),
    );
  }

  sealAll(
    row: Pick<IntegrationEntity, 'id' | 'provider'>,
    dataKey: Buffer,
    secrets: Readonly<Record<string, string>>,
  ): Record<string, string> {
    return Object.fromEntries(
      Object.entries(secrets).map(([field, value]) => [
        field,
        seal(value, dataKey, secretAad(row.id, row.provider, field)).toString('base64'),
      ]),
    );
  }

  async openAll(row: IntegrationEntity): Promise<Map<string, string>> {
    const dataKey = await this.dataKeyOf(row);
    return new Map(
      Object.entries(row.sealedSecrets).map(([field, sealed]) => [
        field,
        open(Buffer.from(sealed, 'base64'), dataKey, secretAad(row.id, row.provider, field)),
      ]),
    );
  }
}
