import { type Integration, IntegrationDirectory, UpstreamIdentities } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import { providerErrors } from './provider.errors';

/** Which provider app a call uses, and the user id the upstream sees there. */
@Injectable()
export class ProviderIntegrations {
  constructor(
    private readonly directory: IntegrationDirectory,
    private readonly identities: UpstreamIdentities,
  ) {}

  /** The team's integration for new tokens; 503 provider_not_configured when there is none. */
  forTeam(team: string, provider: string): Integration {
    const integration = this.directory.resolve(team, provider);
    if (!integration) {
      throw providerErrors(provider).notConfigured();
    }
    return integration;
  }

  /** The integration a stored credential was minted under, with its current keys. */
  forCredential(credential: {
    readonly provider: string;
    readonly integrationId: string | null;
  }): Integration {
    const integration = this.directory.forCredential(credential);
    if (!integration) {
      throw providerErrors(credential.provider).notConfigured();
    }
    return integration;
  }

  /** The credential's integration, or undefined when it is gone (the refresh engine retries). */
  find(credential: {
    readonly provider: string;
    readonly integrationId: string | null;
  }): Integration | undefined {
    return this.directory.forCredential(credential);
  }

  /** Whether a stored credential was minted under this integration. */
  mintedUnder(
    credential: { readonly provider: string; readonly integrationId: string | null },
    integration: Integration,
  ): boolean {
    return this.directory.forCredential(credential)?.id === integration.id;
  }

  upstreamUserId(integration: Integration, team: string, userId: string): string {
    return this.identities.upstreamUserId(integration, team, userId);
  }
}
