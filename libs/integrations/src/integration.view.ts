import type { IntegrationEntity } from './integration.entity';
import type { FieldSpec, IntegrationDefinition } from './integration-definition';
import type { Integration } from './integration';

/** An integration as admins see it: settings, and only the names of its secrets. */
export interface IntegrationView {
  readonly id: string;
  readonly provider: string;
  readonly name: string;
  readonly teams: readonly string[];
  readonly settings: Readonly<Record<string, string>>;
  readonly secretFields: readonly string[];
  readonly secretsUpdatedAt: string | null;
  readonly userIds: 'derived' | 'verbatim';
  readonly readOnly: boolean;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

export function viewOfRow(row: IntegrationEntity): IntegrationView {
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    teams: row.teams,
    settings: row.settings,
    secretFields: Object.keys(row.sealedSecrets).sort(),
    secretsUpdatedAt: row.secretsUpdatedAt.toISOString(),
    userIds: row.userIds,
    readOnly: false,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function viewOfEnvironment(integration: Integration): IntegrationView {
  return {
    id: integration.id,
    provider: integration.provider,
    name: integration.name,
    teams: integration.teams,
    settings: integration.settings,
    secretFields: integration.secretFields(),
    secretsUpdatedAt: null,
    userIds: integration.userIds,
    readOnly: true,
    createdAt: null,
    updatedAt: null,
  };
}

/** A provider's fields as admins fill them in: what a form for a new integration needs. */
export interface IntegrationProviderView {
  readonly provider: string;
  readonly settings: readonly FieldView[];
  readonly secrets: readonly FieldView[];
  readonly upstreamUserIds: IntegrationDefinition['upstreamUserIds'];
}

interface FieldView {
  readonly name: string;
  readonly kind: FieldSpec['kind'];
  readonly optional: boolean;
  readonly defaultValue: string | null;
  readonly description: string;
}

export function viewOfDefinition(definition: IntegrationDefinition): IntegrationProviderView {
  const field = (spec: FieldSpec): FieldView => ({
    name: spec.name,
    kind: spec.kind,
    optional: spec.optional === true || spec.defaultValue !== undefined,
    defaultValue: spec.defaultValue ?? null,
    description: spec.description,
  });
  return {
    provider: definition.provider,
    settings: definition.settings.map(field),
    secrets: definition.secrets.map(field),
    upstreamUserIds: definition.upstreamUserIds,
  };
}
