import { KeyhouseConfig } from '@keyhouse/config';
import { Injectable } from '@nestjs/common';
import { UpstreamHttp } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';
import { connectTokenOf, TPA_STREAM } from './tpa-stream-answers';

/** TPA Stream's wire format: both keys in a JSON body, no auth header. */
@Injectable()
export class TpaStreamClient {
  constructor(
    private readonly config: KeyhouseConfig,
    private readonly http: UpstreamHttp,
  ) {}

  isConfigured(): boolean {
    const { clientId, clientSecret } = this.config.providers.tpaStream;
    return clientId !== undefined && clientSecret !== undefined;
  }

  /** The public access key the SDK is initialised with (`sdkToken`). */
  get accessKey(): string {
    const { clientId } = this.config.providers.tpaStream;
    if (clientId === undefined) {
      throw providerErrors(TPA_STREAM).notConfigured();
    }
    return clientId;
  }

  async createConnectToken(): Promise<string> {
    const { baseUrl, clientId, clientSecret } = this.config.providers.tpaStream;
    if (clientId === undefined || clientSecret === undefined) {
      throw providerErrors(TPA_STREAM).notConfigured();
    }
    const response = await this.http.send({
      provider: TPA_STREAM,
      method: 'POST',
      url: `${baseUrl}/api/create-connect-token`,
      // The secret key travels in the body and nowhere else; it never leaves the backend.
      json: { connect_access_key: clientId, connect_secret_key: clientSecret.reveal() },
      // Minting consumes nothing: asking twice only yields a second fresh token.
      idempotent: true,
    });
    return connectTokenOf(response);
  }
}
