import { createHash } from 'node:crypto';
import type { KeyhouseConfig } from '@keyhouse/config';
import { ALL_TEAMS, type UserIdMode } from './integration.entity';
import type { IntegrationDefinition } from './integration-definition';

/** The name of the read-only integration the environment's provider variables make. */
export const ENVIRONMENT_INTEGRATION = 'environment';

/**
 * One provider app in force, as every provider call takes it: settings in the open, secrets
 * only through `secret()` (a private field, so no logger or serialiser walks into them).
 */
export class Integration {
  readonly #secrets: ReadonlyMap<string, string>;

  constructor(
    readonly id: string,
    readonly provider: string,
    readonly name: string,
    readonly teams: readonly string[],
    readonly settings: Readonly<Record<string, string>>,
    secrets: ReadonlyMap<string, string>,
    readonly userIds: UserIdMode,
    readonly source: 'stored' | 'environment',
    readonly secretsUpdatedAt: Date | null,
  ) {
    this.#secrets = secrets;
  }

  get servesAllTeams(): boolean {
    return this.teams.includes(ALL_TEAMS);
  }

  secretFields(): string[] {
    return [...this.#secrets.keys()].sort();
  }

  setting(name: string): string {
    const value = this.settings[name];
    if (value === undefined) {
      throw new Error(`integration ${this.id} has no setting "${name}"`);
    }
    return value;
  }

  secret(name: string): string {
    const value = this.#secrets.get(name);
    if (value === undefined) {
      throw new Error(`integration ${this.id} has no secret "${name}"`);
    }
    return value;
  }

  toJSON(): Record<string, unknown> {
    return { id: this.id, provider: this.provider, name: this.name };
  }
}

/**
 * The environment integration's id: a uuid derived from the provider's name, the same in
 * every process and release (e.g. stream-chat's never changes), so answers can name it.
 */
export function environmentIntegrationId(provider: string): string {
  const hex = createHash('sha256')
    .update(`keyhouse.environment-integration.v1:${provider}`)
    .digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) uuid.
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    `${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

/** The provider's environment integration, or null while its variables are not all set. */
export function environmentIntegration(
  definition: IntegrationDefinition,
  config: KeyhouseConfig,
): Integration | null {
  const environment = definition.environment;
  if (!environment) {
    return null;
  }
  const source = config.providers[definition.provider];
  if (!source?.configured) {
    return null;
  }
  const values = new Map<string, string>([[environment.baseUrl.field, source.baseUrl]]);
  for (const { field, variable } of environment.credentials) {
    const value = source.credentials[variable];
    if (value !== undefined) {
      values.set(field, value.reveal());
    }
  }
  const settings: Record<string, string> = {};
  for (const field of definition.settings) {
    const value = values.get(field.name) ?? field.defaultValue;
    if (value !== undefined) {
      settings[field.name] = value;
    } else if (!field.optional) {
      return null;
    }
  }
  const secrets = new Map<string, string>();
  for (const field of definition.secrets) {
    const value = values.get(field.name);
    if (value !== undefined) {
      secrets.set(field.name, value);
    } else if (!field.optional) {
      return null;
    }
  }
  return new Integration(
    environmentIntegrationId(definition.provider),
    definition.provider,
    ENVIRONMENT_INTEGRATION,
    [ALL_TEAMS],
    settings,
    secrets,
    config.integrations.environmentUserIds,
    'environment',
    null,
  );
}
