import { KeyhouseConfig } from '@keyhouse/config';
import { Injectable } from '@nestjs/common';
import { UpstreamHttp } from '../http/upstream-http.service';
import { providerErrors } from '../provider.errors';
import { clientAssertion, JWT_BEARER_ASSERTION_TYPE } from './client-assertion';
import {
  MYDATAHELPS,
  type MyDataHelpsGrant,
  myDataHelpsToken,
  type MyDataHelpsToken,
} from './mydatahelps-answers';

/** The delegated-participant client CareEvolution documents (older docs: RKStudio.*). */
const DELEGATED_PARTICIPANT_CLIENT_ID = 'MyDataHelps.DelegatedParticipant';
/** Published in CareEvolution's docs: this client's "secret" is the literal word. */
const DELEGATED_PARTICIPANT_CLIENT_SECRET = 'secret';
const SCOPE = 'api';

/**
 * MyDataHelps' wire format: both grants at the one token URL, form-encoded.
 * Configuration: baseUrl is the FULL token URL, clientId the service account, clientSecret
 * its PEM private key.
 */
@Injectable()
export class MyDataHelpsClient {
  constructor(
    private readonly config: KeyhouseConfig,
    private readonly http: UpstreamHttp,
  ) {}

  get sdkBaseUrl(): string {
    return `${new URL(this.config.providers.myDataHelps.baseUrl).origin}/`;
  }

  isConfigured(): boolean {
    const { clientId, clientSecret } = this.config.providers.myDataHelps;
    return clientId !== undefined && clientSecret !== undefined;
  }

  /** A service token by client assertion; no client_id (the assertion is the client auth). */
  serviceToken(): Promise<MyDataHelpsToken> {
    const { baseUrl: tokenUrl, clientId, clientSecret } = this.config.providers.myDataHelps;
    if (clientId === undefined || clientSecret === undefined) {
      return Promise.reject(providerErrors(MYDATAHELPS).notConfigured());
    }
    const assertion = clientAssertion({
      serviceAccount: clientId,
      tokenUrl,
      privateKeyPem: clientSecret.reveal(),
      now: new Date(),
    });
    return this.token('client_credentials', {
      grant_type: 'client_credentials',
      scope: SCOPE,
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: assertion,
    });
  }

  /** Exchanges a service token for one participant's token. */
  participantToken(serviceToken: string, participantId: string): Promise<MyDataHelpsToken> {
    return this.token('delegated_participant', {
      grant_type: 'delegated_participant',
      participant_id: participantId,
      client_id: DELEGATED_PARTICIPANT_CLIENT_ID,
      client_secret: DELEGATED_PARTICIPANT_CLIENT_SECRET,
      token: serviceToken,
      scope: SCOPE,
    });
  }

  private async token(
    grant: MyDataHelpsGrant,
    form: Record<string, string>,
  ): Promise<MyDataHelpsToken> {
    const response = await this.http.send({
      provider: MYDATAHELPS,
      method: 'POST',
      url: this.config.providers.myDataHelps.baseUrl,
      form,
      // A resent assertion would replay its jti and be refused, so the service grant is sent
      // once; the participant grant mints a fresh token each time and is safe to resend.
      idempotent: grant === 'delegated_participant',
    });
    return myDataHelpsToken(response, grant);
  }
}
