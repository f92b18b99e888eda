import { Injectable } from '@nestjs/common';
import { providerErrors } from '../provider.errors';
import type { KeepAlive, RefreshedTokens, TokenProvider } from '../token-provider';
import { TPA_STREAM } from './tpa-stream-answers';
import { TpaStreamClient } from './tpa-stream.client';

/**
 * TPA Stream connect access tokens: minted on demand for the SDK's
 * connectAccessTokenRefreshFn, handed out once, never refreshed in the background (a new
 * one is simply minted). TPA Stream publishes no revocation call, so deleting erases our
 * copy only.
 */
@Injectable()
export class TpaStreamProvider implements TokenProvider {
  readonly name = TPA_STREAM;
  readonly keepAlive: KeepAlive = 'never';

  constructor(private readonly client: TpaStreamClient) {}

  isConfigured(): boolean {
    return this.client.isConfigured();
  }

  canRefresh(): boolean {
    return false;
  }

  refresh(): Promise<RefreshedTokens> {
    // Never called (canRefresh is false): a connect token is replaced by minting a new one.
    return Promise.reject(providerErrors(TPA_STREAM).needsReauth('connect_token_not_refreshable'));
  }

  revoke(): Promise<void> {
    return Promise.resolve();
  }
}
