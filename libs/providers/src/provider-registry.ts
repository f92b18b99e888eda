import { Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiStreamModule } from './api-stream/api-stream.module';
import { ApiStreamProvider } from './api-stream/api-stream.provider';
import { MeshModule } from './mesh/mesh.module';
import { MeshProvider } from './mesh/mesh.provider';
import { MyDataHelpsModule } from './mydatahelps/mydatahelps.module';
import { MyDataHelpsProvider } from './mydatahelps/mydatahelps.provider';
import { providerErrors } from './provider.errors';
import { StreamChatModule } from './stream-chat/stream-chat.module';
import { StreamChatProvider } from './stream-chat/stream-chat.provider';
import type { TokenProvider } from './token-provider';
import { TpaStreamModule } from './tpa-stream/tpa-stream.module';
import { TpaStreamProvider } from './tpa-stream/tpa-stream.provider';

/** Every upstream Keyhouse speaks to. Adding one: its module, and one line here. */
export const PROVIDER_REGISTRY = [
  { name: 'tpa-stream', module: TpaStreamModule, provider: TpaStreamProvider },
  { name: 'stream-chat', module: StreamChatModule, provider: StreamChatProvider },
  { name: 'mydatahelps', module: MyDataHelpsModule, provider: MyDataHelpsProvider },
  { name: 'mesh', module: MeshModule, provider: MeshProvider },
  { name: 'api-stream', module: ApiStreamModule, provider: ApiStreamProvider },
] as const satisfies readonly { name: string; module: Type; provider: Type<TokenProvider> }[];

export const PROVIDER_NAMES: readonly string[] = PROVIDER_REGISTRY.map((entry) => entry.name);

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
