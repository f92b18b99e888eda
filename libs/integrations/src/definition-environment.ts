import type { ProviderVariables } from '@keyhouse/config';
import type { IntegrationDefinition } from './integration-definition';

/**
 * The variables the configuration reads for this provider, or null when it has none. A
 * definition whose environment names a field it lacks fails here, at boot.
 */
export function providerVariablesOf(definition: IntegrationDefinition): ProviderVariables | null {
  const environment = definition.environment;
  if (!environment) {
    return null;
  }
  const urlField = definition.settings.find((field) => field.name === environment.baseUrl.field);
  if (urlField?.kind !== 'url' || urlField.defaultValue === undefined) {
    throw new Error(
      `${definition.provider}: environment.baseUrl must name a url setting with a default`,
    );
  }
  const fields = [...definition.settings, ...definition.secrets].map((field) => field.name);
  for (const { field } of environment.credentials) {
    if (!fields.includes(field)) {
      throw new Error(`${definition.provider}: environment names no field ${field}`);
    }
  }
  return {
    provider: definition.provider,
    baseUrl: { name: environment.baseUrl.variable, defaultValue: urlField.defaultValue },
    credentials: environment.credentials.map(({ variable, format }) =>
      format ? { name: variable, format } : { name: variable },
    ),
  };
}

/**
 * The environment variables that give this provider these field values (a sandbox fake's
 * URL and keys): the inverse of reading its environment integration.
 */
export function variablesOfFields(
  definition: IntegrationDefinition,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const environment = definition.environment;
  if (!environment) {
    return {};
  }
  const variables: Record<string, string> = {};
  for (const { field, variable } of [environment.baseUrl, ...environment.credentials]) {
    const value = values[field];
    if (value === undefined) {
      throw new Error(`${definition.provider}: no value for ${field} (${variable})`);
    }
    variables[variable] = value;
  }
  return variables;
}
