import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ProviderDefinition } from './provider-definition';
import { providerErrors } from './provider.errors';
import type { TokenProvider } from './token-provider';

/** The definitions the app was built with (ProvidersModule.forRoot). */
export const REGISTERED_PROVIDERS = Symbol('REGISTERED_PROVIDERS');

/** The running TokenProvider of each registered provider, by name. */
@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly providers = new Map<string, TokenProvider>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(REGISTERED_PROVIDERS) private readonly definitions: readonly ProviderDefinition[],
  ) {}

  onModuleInit(): void {
    for (const definition of this.definitions) {
      const provider = this.moduleRef.get<TokenProvider>(definition.tokenProvider, {
        strict: false,
      });
      if (provider.name !== definition.provider) {
        throw new Error(
          `provider registry: ${definition.tokenProvider.name} calls itself "${provider.name}", not "${definition.provider}"`,
        );
      }
      this.providers.set(definition.provider, provider);
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
