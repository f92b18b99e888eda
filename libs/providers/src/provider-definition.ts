import type { IntegrationDefinition } from '@keyhouse/integrations';
import type { SandboxFake } from '@keyhouse/sandbox';
import type { Type } from '@nestjs/common';
import type { TokenProvider } from './token-provider';

/**
 * Everything Keyhouse knows about one provider, declared in its folder
 * (`<name>/<name>.definition.ts`) and listed once in PROVIDER_REGISTRY. From it come the
 * configuration's variables, the environment integration, integration validation, API
 * client grants, the Nest module with its routes, the registry and the sandbox fake.
 */
export interface ProviderDefinition extends IntegrationDefinition {
  /** The provider's Nest module: its minting routes (they differ per upstream) and services. */
  readonly module: Type;
  /**
   * Its TokenProvider, exported by `module`. The capabilities are that class's optional
   * methods (`refresh`, `revoke`, `check`, ...): a provider implements only what its
   * upstream offers, and declares nothing it does not.
   */
  readonly tokenProvider: Type<TokenProvider>;
  /** Its fake upstream, for SANDBOX mode and the tests; absent, SANDBOX leaves it unset. */
  readonly sandbox?: SandboxFake;
}
