import { Injectable } from '@nestjs/common';
import { providerErrors } from '../provider.errors';
import type { KeepAlive, RefreshedTokens, TokenProvider } from '../token-provider';

// Placeholder until this provider's module lands: registered, never configured.
@Injectable()
export class TpaStreamProvider implements TokenProvider {
  readonly name = 'tpa-stream';
  readonly keepAlive: KeepAlive = 'never';

  isConfigured(): boolean {
    return false;
  }

  canRefresh(): boolean {
    return false;
  }

  refresh(): Promise<RefreshedTokens> {
    return Promise.reject(providerErrors(this.name).notConfigured());
  }

  revoke(): Promise<void> {
    return Promise.resolve();
  }
}
