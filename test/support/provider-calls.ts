import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  canRefresh,
  ProviderIntegrations,
  ProviderRegistry,
  type RefreshedTokens,
} from '@keyhouse/providers';
import type { CredentialEntity, TokenSecrets } from '@keyhouse/vault';

/**
 * A provider's refresh called the way the refresh engine calls it: with the credential's
 * integration, so tests can drive one refresh and look at the wire.
 */
export function providerCalls(app: NestFastifyApplication, name: string) {
  const provider = () => app.get(ProviderRegistry).get(name);
  return {
    canRefresh: (credential: CredentialEntity, now: Date): boolean =>
      canRefresh(provider(), credential, now),
    refresh: (target: {
      credential: CredentialEntity;
      secrets: TokenSecrets;
      now: Date;
    }): Promise<RefreshedTokens> => {
      const refresh = provider().refresh;
      if (!refresh) {
        throw new Error(`${name} does not refresh`);
      }
      const integration = app.get(ProviderIntegrations).forCredential(target.credential);
      return refresh.call(provider(), { ...target, integration });
    },
  };
}
