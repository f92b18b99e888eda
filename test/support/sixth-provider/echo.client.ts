import type { Integration } from '@keyhouse/integrations';
import { UpstreamHttp } from '@keyhouse/providers';
import { Injectable } from '@nestjs/common';
import { ECHO, type EchoToken, tokenOf } from './echo-answers';

/** Echo's wire format: the key id and secret in headers, the user in a JSON body. */
@Injectable()
export class EchoClient {
  constructor(private readonly http: UpstreamHttp) {}

  async mint(integration: Integration, user: string): Promise<EchoToken> {
    const response = await this.http.send({
      provider: ECHO,
      method: 'POST',
      url: `${integration.setting('baseUrl')}/v1/tokens`,
      headers: {
        'x-echo-key-id': integration.setting('keyId'),
        authorization: `Bearer ${integration.secret('keySecret')}`,
      },
      json: { user },
      // Minting consumes nothing: asking twice only yields a second token.
      idempotent: true,
    });
    return tokenOf(response);
  }
}
