import { type AuditActor, AuditService } from '@keyhouse/audit';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CredentialRepository } from './credential.repository';
import { CredentialCipher } from './crypto/credential-cipher';
import { RewrapParticipants } from './crypto/rewrap-participants';
import { SealedTables } from './sealed-tables';
import { VaultError, VaultErrorCode } from './vault.errors';

const REWRAP_BATCH_SIZE = 100;

export interface VaultKeyStatus {
  readonly id: string;
  readonly active: boolean;
  /** False for a key the database still references but VAULT_KEYS no longer holds. */
  readonly configured: boolean;
  readonly credentials: number;
  /** Rows of the other sealed tables it wraps, by table (e.g. `integrations`). */
  readonly sealedRows: Readonly<Record<string, number>>;
}

export interface RotationProgress {
  readonly running: boolean;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly rewrapped: number;
  readonly lastError: string | null;
}

export interface VaultKeysView {
  readonly activeKeyId: string;
  readonly keys: readonly VaultKeyStatus[];
  /** Credentials and other sealed rows not yet wrapped by the active key. */
  readonly pendingRewrap: number;
  /** This process's rotation run; the counts above are the database's, across processes. */
  readonly rotation: RotationProgress;
}

/**
 * Vault key status and online rotation: data keys are re-wrapped to the active key in
 * small locked batches (SKIP LOCKED, so several processes can rotate at once), while reads
 * keep working because every row always names the key that currently wraps it.
 */
@Injectable()
export class VaultKeysService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('VaultKeys');
  private progress: RotationProgress = {
    running: false,
    startedAt: null,
    finishedAt: null,
    rewrapped: 0,
    lastError: null,
  };
  private run?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialRepository,
    private readonly cipher: CredentialCipher,
    private readonly audit: AuditService,
    private readonly participants: RewrapParticipants,
    private readonly sealedTables: SealedTables,
  ) {}

  /** Refuses to start when a key that still wraps data is missing from VAULT_KEYS. */
  async onModuleInit(): Promise<void> {
    const counts = await this.credentials.countByDataKey();
    const tables = await this.sealedCounts();
    const keyIds = new Set([...counts.keys(), ...tables.flatMap(([, byKey]) => [...byKey.keys()])]);
    const missing = [...keyIds].filter((keyId) => !this.cipher.hasKey(keyId));
    if (missing.length > 0) {
      const names = missing
        .map((keyId) => {
          const others = tables
            .filter(([, byKey]) => byKey.has(keyId))
            .map(([table, byKey]) => `, ${byKey.get(keyId)} ${table}`)
            .join('');
          return `"${keyId}" (wraps ${counts.get(keyId) ?? 0} credentials${others})`;
        })
        .join(', ');
      throw new VaultError(
        VaultErrorCode.InvalidKeyring,
        `VAULT_KEYS is missing vault key ${names}; add it back, rotate with POST /admin/vault/rotate, then retire it`,
      );
    }
  }

  /** A rotation batch in progress finishes (its transaction commits) before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.run;
  }

  async status(): Promise<VaultKeysView> {
    const counts = await this.credentials.countByDataKey();
    const tables = await this.sealedCounts();
    const ids = new Set([
      ...this.cipher.keyIds(),
      ...counts.keys(),
      ...tables.flatMap(([, byKey]) => [...byKey.keys()]),
    ]);
    const keys = [...ids].map((id) => ({
      id,
      active: id === this.cipher.activeKeyId,
      configured: this.cipher.hasKey(id),
      credentials: counts.get(id) ?? 0,
      sealedRows: Object.fromEntries(tables.map(([table, byKey]) => [table, byKey.get(id) ?? 0])),
    }));
    const pendingRewrap = keys
      .filter((key) => !key.active)
      .reduce(
        (sum, key) =>
          sum + key.credentials + Object.values(key.sealedRows).reduce((a, b) => a + b, 0),
        0,
      );
    return { activeKeyId: this.cipher.activeKeyId, keys, pendingRewrap, rotation: this.progress };
  }

  /** Starts re-wrapping in the background (no-op if this process is already at it). */
  async startRotation(actor: AuditActor): Promise<VaultKeysView> {
    if (!this.progress.running) {
      this.progress = {
        running: true,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        rewrapped: 0,
        lastError: null,
      };
      await this.audit.record({
        action: 'vault.rotation_started',
        actor,
        details: { activeKeyId: this.cipher.activeKeyId },
      });
      this.run = this.rewrapAll(actor);
    }
    return this.status();
  }

  private async rewrapAll(actor: AuditActor): Promise<void> {
    let lastError: string | null = null;
    try {
      const batches = [
        () => this.rewrapBatch(),
        ...this.participants
          .all()
          .map(
            (participant) => () =>
              participant.rewrapBatch(this.cipher.activeKeyId, REWRAP_BATCH_SIZE),
          ),
      ];
      for (const batch of batches) {
        while (!this.stopping) {
          const rewrapped = await batch();
          if (rewrapped === 0) {
            break;
          }
          this.progress = { ...this.progress, rewrapped: this.progress.rewrapped + rewrapped };
        }
      }
    } catch (error) {
      lastError = error instanceof VaultError ? error.reason : 'rewrap_failed';
      this.logger.error({ err: error }, 'vault key rotation stopped');
    }
    this.progress = {
      ...this.progress,
      running: false,
      finishedAt: new Date().toISOString(),
      lastError,
    };
    this.audit.recordQuietly({
      action: 'vault.rotation_completed',
      actor,
      outcome: lastError ? 'failure' : 'success',
      details: {
        activeKeyId: this.cipher.activeKeyId,
        rewrapped: this.progress.rewrapped,
        error: lastError,
      },
    });
  }

  /** Rows wrapped by each key in every sealed table but credentials (integrations, webhooks, ...). */
  private sealedCounts(): Promise<[string, Map<string, number>][]> {
    return Promise.all([
      ...this.sealedTables
        .all()
        .map(
          async (table) =>
            [
              table.table,
              await this.sealedTables.countByDataKey(this.dataSource.manager, table),
            ] as [string, Map<string, number>],
        ),
      ...this.participants
        .all()
        .map(
          async (participant) =>
            [participant.name, await participant.countByDataKey()] as [string, Map<string, number>],
        ),
    ]);
  }

  /** One batch of the other sealed tables (integrations, vault-held keys), then credentials. */
  private async rewrapBatch(): Promise<number> {
    for (const table of this.sealedTables.all()) {
      const rewrapped = await this.dataSource.transaction(async (manager) => {
        const batch = await this.sealedTables.lockBatchToRewrap(
          manager,
          table,
          this.cipher.activeKeyId,
          REWRAP_BATCH_SIZE,
        );
        for (const row of batch) {
          const wrapped = await this.cipher.rewrapFor(row.wrapped, table.context(row.id));
          await this.sealedTables.replaceWrapping(
            manager,
            table,
            row.id,
            row.wrapped.keyId,
            wrapped,
          );
        }
        return batch.length;
      });
      if (rewrapped > 0) {
        return rewrapped;
      }
    }
    return this.rewrapCredentialBatch();
  }

  private rewrapCredentialBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const batch = await this.credentials.lockBatchToRewrap(
        manager,
        this.cipher.activeKeyId,
        REWRAP_BATCH_SIZE,
      );
      for (const credential of batch) {
        const wrapped = await this.cipher.rewrap(credential);
        await this.credentials.replaceWrapping(
          manager,
          credential.id,
          credential.dataKeyId!,
          wrapped,
        );
      }
      return batch.length;
    });
  }
}
