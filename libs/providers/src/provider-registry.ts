import { Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { IntegrationDefinition } from '@keyhouse/integrations';
import { API_STREAM_DEFINITION } from './api-stream/api-stream.definition';
import { ApiStreamModule } from './api-stream/api-stream.module';
import { ApiStreamProvider } from './api-stream/api-stream.provider';
import { MESH_DEFINITION } from './mesh/mesh.definition';
import { MeshModule } from './mesh/mesh.module';
import { MeshProvider } from './mesh/mesh.provider';
import { MYDATAHELPS_DEFINITION } from './mydatahelps/mydatahelps.definition';
import { MyDataHelpsModule } from './mydatahelps/mydatahelps.module';
import { MyDataHelpsProvider } from './mydatahelps/mydatahelps.provider';
import { providerErrors } from './provider.errors';
import { STREAM_CHAT_DEFINITION } from './stream-chat/stream-chat.definition';
import { StreamChatModule } from './stream-chat/stream-chat.module';
import { StreamChatProvider } from './stream-chat/stream-chat.provider';
import type { TokenProvider } from './token-provider';
import { TPA_STREAM_DEFINITION } from './tpa-stream/tpa-stream.definition';
import { TpaStreamModule } from './tpa-stream/tpa-stream.module';
import { TpaStreamProvider } from './tpa-stream/tpa-stream.provider';

/** Every upstream Keyhouse speaks to. Adding one: its module, and one line here. */
export const PROVIDER_REGISTRY = [
  entry(TPA_STREAM_DEFINITION, TpaStreamModule, TpaStreamProvider),
  entry(STREAM_CHAT_DEFINITION, StreamChatModule, StreamChatProvider),
  entry(MYDATAHELPS_DEFINITION, MyDataHelpsModule, MyDataHelpsProvider),
  entry(MESH_DEFINITION, MeshModule, MeshProvider),
  entry(API_STREAM_DEFINITION, ApiStreamModule, ApiStreamProvider),
] as const;

export const PROVIDER_NAMES: readonly string[] = PROVIDER_REGISTRY.map((entry) => entry.name);
export const PROVIDER_DEFINITIONS: readonly IntegrationDefinition[] = PROVIDER_REGISTRY.map(
  (entry) => entry.definition,
);

function entry(definition: IntegrationDefinition, module: Type, provider: Type<TokenProvider>) {
  return { name: definition.provider, definition, module, provider };
}

@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly providers = new Map<string, TokenProvider>();

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const entry of PROVIDER_REGISTRY) {
      const provider = this.moduleRef.get<TokenProvider>(entry.provider, { strict: false });
      if (provider.name !== entry.name) {
        throw new Error(
          `provider registry: ${entry.provider.name} calls itself "${provider.name}", not "${entry.name}"`,
        );
      }
      this.providers.set(entry.name, provider);
    }
  }

  get(name: string): TokenProvider {
    const provider = this.providers.get(name);
    if (!provider) {
      throw providerErrors(name).notConfigured();
    }
    return provider;
  }

  all(): readonly TokenProvider[] {
    return [...this.providers.values()];
  }
}
