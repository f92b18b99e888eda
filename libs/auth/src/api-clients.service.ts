import { type AuditActor, AuditService } from '@keyhouse/audit';
import { type Page, type PagePosition, RequestError, toPage } from '@keyhouse/common';
import { Injectable, Logger } from '@nestjs/common';
import type { ApiClientEntity } from './api-client.entity';
import { ApiClientRepository } from './api-client.repository';
import { type ApiKeyKind, displayPrefix, generateApiKey, hashApiKey, hashesMatch } from './api-key';
import type { Caller } from '@keyhouse/common';
import type { Role, Scope } from '@keyhouse/common';

export interface ApiClientSpec {
  readonly name: string;
  readonly team: string;
  readonly scopes: readonly Scope[];
  readonly providers: readonly string[];
  readonly maxRole?: Role | null;
  readonly development?: boolean;
}

export interface ApiClientView {
  readonly id: string;
  readonly name: string;
  readonly team: string;
  readonly scopes: readonly Scope[];
  readonly providers: readonly string[];
  readonly maxRole: Role | null;
  readonly development: boolean;
  readonly keyPrefix: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastUsedAt: string | null;
}

export interface ApiClientWithKey extends ApiClientView {
  /** Shown once, in the answer to create or rotate; never stored, never shown again. */
  readonly apiKey: string;
}

/** last_used_at is written at most this often per client, so reads stay read-only. */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiClientsService {
  private readonly logger = new Logger(ApiClientsService.name);
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly clients: ApiClientRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Resolves a presented key to its caller, or undefined for an unknown or deleted key.
   * Read-only: the use is recorded (`recordUse`) only once the request has succeeded, so a
   * refused request changes nothing.
   */
  async authenticate(presentedKey: string): Promise<Caller | undefined> {
    const presentedHash = hashApiKey(presentedKey);
    const client = await this.clients.findActiveByKeyHash(presentedHash);
    if (!client?.keyHash || !hashesMatch(client.keyHash, presentedHash)) {
      return undefined;
    }
    return toCaller(client);
  }

  async create(spec: ApiClientSpec, actor: AuditActor): Promise<ApiClientWithKey> {
    const apiKey = generateApiKey(keyKind(spec.development));
    const client = await this.clients.create({
      name: spec.name,
      team: spec.team,
      scopes: dedupe(spec.scopes),
      providers: dedupe(spec.providers),
      maxRole: spec.maxRole ?? null,
      development: spec.development ?? false,
      keyPrefix: displayPrefix(apiKey),
      keyHash: hashApiKey(apiKey),
    });
    await this.recordAction('client.created', client, actor);
    return { ...present(client), apiKey };
  }

  /** For operator-supplied keys (BOOTSTRAP_ADMIN_KEY): store its hash as given. */
  async createWithKey(
    spec: ApiClientSpec,
    apiKey: string,
    actor: AuditActor,
  ): Promise<ApiClientView> {
    const client = await this.clients.create({
      name: spec.name,
      team: spec.team,
      scopes: dedupe(spec.scopes),
      providers: dedupe(spec.providers),
      maxRole: spec.maxRole ?? null,
      development: spec.development ?? false,
      keyPrefix: displayPrefix(apiKey),
      keyHash: hashApiKey(apiKey),
    });
    await this.recordAction('client.created', client, actor);
    return present(client);
  }

  async existsWithKey(apiKey: string): Promise<boolean> {
    return (await this.clients.findActiveByKeyHash(hashApiKey(apiKey))) !== null;
  }

  async countActive(): Promise<number> {
    return this.clients.countActive();
  }

  async countActiveAdmins(): Promise<number> {
    return this.clients.countActiveAdmins();
  }

  async list(after: PagePosition | undefined, limit: number): Promise<Page<ApiClientView>> {
    return toPage(await this.clients.listPage(after, limit), limit, present);
  }

  async get(id: string): Promise<ApiClientView> {
    return present(await this.requireClient(id));
  }

  async rotate(id: string, actor: AuditActor): Promise<ApiClientWithKey> {
    const client = await this.requireClient(id);
    const apiKey = generateApiKey(keyKind(client.development));
    if (!(await this.clients.replaceKey(id, hashApiKey(apiKey), displayPrefix(apiKey)))) {
      throw RequestError.notFound('API client');
    }
    const rotated = await this.requireClient(id);
    await this.recordAction('client.key_rotated', rotated, actor);
    return { ...present(rotated), apiKey };
  }

  async delete(id: string, actor: AuditActor): Promise<void> {
    const client = await this.requireClient(id);
    if (!(await this.clients.delete(id))) {
      throw RequestError.notFound('API client');
    }
    this.lastUsedWritten.delete(id);
    await this.recordAction('client.deleted', client, actor);
  }

  private recordAction(
    action: 'client.created' | 'client.key_rotated' | 'client.deleted',
    client: ApiClientEntity,
    actor: AuditActor,
  ): Promise<void> {
    return this.audit.record({
      action,
      actor,
      team: client.team,
      targetClientId: client.id,
      details: { name: client.name, keyPrefix: client.keyPrefix },
    });
  }

  private async requireClient(id: string): Promise<ApiClientEntity> {
    const client = await this.clients.findActiveById(id);
    if (!client) {
      throw RequestError.notFound('API client');
    }
    return client;
  }

  /** Sets last_used_at (at most once a minute per client, without waiting for the write). */
  recordUse(clientId: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(clientId) ?? 0) < LAST_USED_RESOLUTION_MS) {
      return;
    }
    this.lastUsedWritten.set(clientId, now);
    this.clients.touchLastUsed(clientId, new Date(now)).catch((error: unknown) => {
      this.logger.warn({ err: error, clientId: clientId.slice(0, 8) }, 'could not record last use');
    });
  }
}

function keyKind(development: boolean | undefined): ApiKeyKind {
  return development ? 'dev' : 'live';
}

function dedupe<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function toCaller(client: ApiClientEntity): Caller {
  return {
    clientId: client.id,
    name: client.name,
    team: client.team,
    scopes: client.scopes as Scope[],
    providers: client.providers,
    maxRole: client.maxRole as Role | null,
    development: client.development,
  };
}

function present(client: ApiClientEntity): ApiClientView {
  return {
    id: client.id,
    name: client.name,
    team: client.team,
    scopes: client.scopes as Scope[],
    providers: client.providers,
    maxRole: client.maxRole as Role | null,
    development: client.development,
    keyPrefix: client.keyPrefix,
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
    lastUsedAt: client.lastUsedAt?.toISOString() ?? null,
  };
}
