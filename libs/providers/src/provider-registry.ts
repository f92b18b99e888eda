import type { ProviderVariables } from '@keyhouse/config';
import { providerVariablesOf } from '@keyhouse/integrations';
import { API_STREAM_DEFINITION } from './api-stream/api-stream.definition';
import { MESH_DEFINITION } from './mesh/mesh.definition';
import { MYDATAHELPS_DEFINITION } from './mydatahelps/mydatahelps.definition';
import type { ProviderDefinition } from './provider-definition';
import { STREAM_CHAT_DEFINITION } from './stream-chat/stream-chat.definition';
import { TPA_STREAM_DEFINITION } from './tpa-stream/tpa-stream.definition';

/**
 * Every upstream Keyhouse speaks to. Adding one: its folder, with its definition, and one
 * line here. Everything else (configuration, SANDBOX, integrations, grants, routes) follows.
 */
export const PROVIDER_REGISTRY: readonly ProviderDefinition[] = [
  TPA_STREAM_DEFINITION,
  STREAM_CHAT_DEFINITION,
  MYDATAHELPS_DEFINITION,
  MESH_DEFINITION,
  API_STREAM_DEFINITION,
];

/** The environment variables these providers declare, for loadConfig. */
export function providerVariables(
  registry: readonly ProviderDefinition[] = PROVIDER_REGISTRY,
): ProviderVariables[] {
  return registry.flatMap((definition) => providerVariablesOf(definition) ?? []);
}

export function providerNames(registry: readonly ProviderDefinition[]): string[] {
  return registry.map((definition) => definition.provider);
}
