import type { Integration } from '@keyhouse/integrations';
import type { KeepAlive, TokenProvider } from '@keyhouse/providers';
import { Injectable } from '@nestjs/common';
import { ECHO } from './echo-answers';
import { EchoClient } from './echo.client';

/**
 * Echo tokens are minted on demand and never refreshed, and echo has no revocation: so
 * `check` is its only capability, and there are no refresh or revoke stubs.
 */
@Injectable()
export class EchoProvider implements TokenProvider {
  readonly name = ECHO;
  readonly keepAlive: KeepAlive = 'never';

  constructor(private readonly client: EchoClient) {}

  /** A token for a throwaway user, minted and dropped: it proves the keys. */
  async check(integration: Integration): Promise<void> {
    await this.client.mint(integration, 'keyhouse-check');
  }
}
