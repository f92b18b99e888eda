import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import type { KeepAlive, TokenProvider } from '../token-provider';
import { TPA_STREAM } from './tpa-stream-answers';
import { TpaStreamClient } from './tpa-stream.client';

/**
 * TPA Stream connect access tokens: minted on demand for the SDK's
 * connectAccessTokenRefreshFn, handed out once, never refreshed (a new one is simply
 * minted). TPA Stream publishes no revocation, so deleting erases our copy only.
 */
@Injectable()
export class TpaStreamProvider implements TokenProvider {
  readonly name = TPA_STREAM;
  readonly keepAlive: KeepAlive = 'never';

  constructor(private readonly client: TpaStreamClient) {}

  /** A connect token, minted and dropped: it names no user and proves both keys. */
  async check(integration: Integration): Promise<void> {
    await this.client.createConnectToken(integration);
  }
}
