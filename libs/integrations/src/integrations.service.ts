import { randomUUID } from 'node:crypto';
import { type AuditActor, AuditService } from '@keyhouse/audit';
import { RequestError } from '@keyhouse/common';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CreateIntegrationDto, UpdateIntegrationDto } from './dto/integration.dto';
import { ALL_TEAMS, IntegrationEntity, type UserIdMode } from './integration.entity';
import { IntegrationRepository } from './integration.repository';
import { IntegrationDirectory } from './integration-directory.service';
import { INTEGRATION_DEFINITIONS, type IntegrationDefinition } from './integration-definition';
import { assertFields, fieldProblems, withDefaults } from './integration-fields';
import { IntegrationSealing } from './integration-sealing';
import {
  type IntegrationProviderView,
  type IntegrationView,
  viewOfDefinition,
  viewOfEnvironment,
  viewOfRow,
} from './integration.view';

/**
 * Admin changes to integrations. Each runs in one transaction under the provider's lock
 * (so the one-per-team rule holds), is audited in it, and NOTIFYs every process on commit.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: IntegrationRepository,
    private readonly sealing: IntegrationSealing,
    private readonly directory: IntegrationDirectory,
    private readonly audit: AuditService,
    @Inject(INTEGRATION_DEFINITIONS) private readonly definitions: readonly IntegrationDefinition[],
  ) {}

  async list(): Promise<IntegrationView[]> {
    const environment = this.directory
      .all()
      .filter((integration) => integration.source === 'environment')
      .map(viewOfEnvironment);
    return [...environment, ...(await this.repository.all()).map(viewOfRow)];
  }

  /** The providers an integration may be made for, with their fields, in registry order. */
  providers(): IntegrationProviderView[] {
    return this.definitions.map(viewOfDefinition);
  }

  async get(id: string): Promise<IntegrationView> {
    const environment = this.directory.byId(id);
    if (environment?.source === 'environment') {
      return viewOfEnvironment(environment);
    }
    const row = await this.repository.find(id);
    if (!row) {
      throw RequestError.notFound('integration');
    }
    return viewOfRow(row);
  }

  async create(input: CreateIntegrationDto, actor: AuditActor): Promise<IntegrationView> {
    const definition = this.definition(input.provider);
    const teams = normaliseTeams(input.teams);
    assertFields([
      ...fieldProblems(definition, 'settings', input.settings, true),
      ...fieldProblems(definition, 'secrets', input.secrets, true),
    ]);
    const row = await this.dataSource.transaction(async (manager) => {
      await this.repository.lockProvider(manager, definition.provider);
      await this.assertNoOverlap(manager, definition.provider, teams, null);
      const id = randomUUID();
      const { dataKey, wrapped } = await this.sealing.newDataKey(id);
      const secrets = input.secrets as Record<string, string>;
      const created = Object.assign(new IntegrationEntity(), {
        id,
        provider: definition.provider,
        name: input.name,
        teams,
        settings: withDefaults(definition, input.settings as Record<string, string>),
        sealedSecrets: this.sealing.sealAll(
          { id, provider: definition.provider },
          dataKey,
          secrets,
        ),
        userIds: input.userIds ?? defaultUserIds(teams),
        wrappedDataKey: wrapped.wrapped,
        dataKeyId: wrapped.keyId,
        secretsUpdatedAt: new Date(),
      });
      const saved = await this.repository.save(manager, created);
      await this.record(manager, 'integration.created', actor, saved, {});
      await this.repository.notify(manager, id);
      return saved;
    });
    await this.directory.reload();
    return viewOfRow(row);
  }

  async update(
    id: string,
    input: UpdateIntegrationDto,
    actor: AuditActor,
  ): Promise<IntegrationView> {
    this.assertStored(id);
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.requireRow(manager, id);
      const definition = this.definition(current.provider);
      assertFields([
        ...fieldProblems(definition, 'settings', input.settings ?? {}, false),
        ...fieldProblems(definition, 'secrets', input.secrets ?? {}, false),
      ]);
      await this.repository.lockProvider(manager, current.provider);
      const teams = input.teams ? normaliseTeams(input.teams) : current.teams;
      if (input.teams) {
        await this.assertNoOverlap(manager, current.provider, teams, id);
      }
      const userIds = input.userIds ?? userIdsAfter(current, teams);
      if (userIds !== current.userIds) {
        await this.assertUnused(
          manager,
          id,
          input.userIds === undefined
            ? 'serving more teams would change its upstream user ids; revoke them, or send "userIds": "verbatim" to keep ids as they are'
            : 'its userIds cannot change',
        );
        current.userIds = userIds;
      }
      if (input.secrets && Object.keys(input.secrets).length > 0) {
        const dataKey = await this.sealing.dataKeyOf(current);
        const sealed = this.sealing.sealAll(
          current,
          dataKey,
          input.secrets as Record<string, string>,
        );
        current.sealedSecrets = { ...current.sealedSecrets, ...sealed };
        current.secretsUpdatedAt = new Date();
      }
      current.settings = { ...current.settings, ...(input.settings as Record<string, string>) };
      current.teams = teams;
      current.name = input.name ?? current.name;
      const saved = await this.repository.save(manager, current);
      await this.record(manager, 'integration.updated', actor, saved, {
        fields: changedFields(input).join(','),
      });
      await this.repository.notify(manager, id);
      return saved;
    });
    await this.directory.reload();
    return viewOfRow(row);
  }

  async delete(id: string, actor: AuditActor): Promise<void> {
    this.assertStored(id);
    await this.dataSource.transaction(async (manager) => {
      const current = await this.requireRow(manager, id);
      await this.assertUnused(manager, id, 'it cannot be deleted');
      await this.repository.delete(manager, id);
      await this.record(manager, 'integration.deleted', actor, current, {});
      await this.repository.notify(manager, id);
    });
    await this.directory.reload();
  }

  definition(provider: string): IntegrationDefinition {
    const definition = this.definitions.find((known) => known.provider === provider);
    if (!definition) {
      const known = this.definitions.map((known) => known.provider).join(', ');
      throw RequestError.invalid([
        { field: 'provider', message: `provider must be one of ${known}` },
      ]);
    }
    return definition;
  }

  private assertStored(id: string): void {
    if (this.directory.byId(id)?.source === 'environment') {
      throw RequestError.conflict(
        'the environment integration is read-only: change its environment variables, or add a stored integration',
      );
    }
  }

  private async requireRow(manager: EntityManager, id: string): Promise<IntegrationEntity> {
    const row = await this.repository.findForUpdate(manager, id);
    if (!row) {
      throw RequestError.notFound('integration');
    }
    return row;
  }

  private async assertNoOverlap(
    manager: EntityManager,
    provider: string,
    teams: readonly string[],
    exceptId: string | null,
  ): Promise<void> {
    const clash = await this.repository.overlapping(manager, provider, teams, exceptId);
    if (clash.length > 0) {
      const shared = teams.filter((team) => clash.some((row) => row.teams.includes(team)));
      throw RequestError.conflict(
        shared.includes(ALL_TEAMS)
          ? `${provider} already has an integration for all teams ("*")`
          : `${provider} already has an integration for team(s) ${shared.join(', ')}`,
      );
    }
  }

  private async assertUnused(manager: EntityManager, id: string, what: string): Promise<void> {
    const live = await this.repository.liveCredentials(manager, id);
    if (live > 0) {
      throw RequestError.conflict(
        `the integration holds ${live} live credential(s): ${what} until they are revoked`,
      );
    }
  }

  private record(
    manager: EntityManager,
    action: 'integration.created' | 'integration.updated' | 'integration.deleted',
    actor: AuditActor,
    row: IntegrationEntity,
    details: Record<string, string>,
  ): Promise<void> {
    return this.audit.record(
      {
        action,
        actor,
        provider: row.provider,
        details: { integrationId: row.id, name: row.name, teams: row.teams.join(','), ...details },
      },
      manager,
    );
  }
}

/** "*" stands alone: a list naming it and teams too would be two rules at once. */
function normaliseTeams(teams: readonly string[]): string[] {
  if (teams.includes(ALL_TEAMS) && teams.length > 1) {
    throw RequestError.invalid([
      { field: 'teams', message: 'teams is either ["*"] or a list of team names, not both' },
    ]);
  }
  return [...teams];
}

/**
 * A verbatim integration of one team that comes to serve several derives from then on,
 * unless the admin says `verbatim` again: two teams' ids must not meet upstream by accident.
 */
function userIdsAfter(current: IntegrationEntity, teams: readonly string[]): UserIdMode {
  const servedOne = defaultUserIds(current.teams) === 'verbatim';
  const servesMany = defaultUserIds(teams) === 'derived';
  return current.userIds === 'verbatim' && servedOne && servesMany ? 'derived' : current.userIds;
}

function defaultUserIds(teams: readonly string[]): UserIdMode {
  return teams.length === 1 && teams[0] !== ALL_TEAMS ? 'verbatim' : 'derived';
}

/** Names only: the audit trail says a secret changed, never what to. */
function changedFields(input: UpdateIntegrationDto): string[] {
  return [
    ...(input.name !== undefined ? ['name'] : []),
    ...(input.teams ? ['teams'] : []),
    ...(input.userIds ? ['userIds'] : []),
    ...Object.keys(input.settings ?? {}).map((name) => `settings.${name}`),
    ...Object.keys(input.secrets ?? {}).map((name) => `secrets.${name}`),
  ];
}
