import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import { UpstreamHttp } from '../http/upstream-http.service';
import { connectTokenOf, TPA_STREAM } from './tpa-stream-answers';

/** TPA Stream's wire format: both keys in a JSON body, no auth header. */
@Injectable()
export class TpaStreamClient {
  constructor(private readonly http: UpstreamHttp) {}

  async createConnectToken(integration: Integration): Promise<string> {
    const response = await this.http.send({
      provider: TPA_STREAM,
      method: 'POST',
      url: `${integration.setting('baseUrl')}/api/create-connect-token`,
      // The secret key travels in the body and nowhere else; it never leaves the backend.
      json: {
        connect_access_key: integration.setting('accessKey'),
        connect_secret_key: integration.secret('secretKey'),
      },
      // Minting consumes nothing: asking twice only yields a second fresh token.
      idempotent: true,
    });
    return connectTokenOf(response);
  }
}
