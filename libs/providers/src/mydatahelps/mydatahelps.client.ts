import type { Integration } from '@keyhouse/integrations';
import { Injectable } from '@nestjs/common';
import { UpstreamHttp } from '../http/upstream-http.service';
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
const DEFAULT_SCOPE = 'api';

/**
 * MyDataHelps' wire format: both grants at the one token URL, form-encoded.
 * The integration holds the FULL token URL (`tokenUrl`), the service account, and its PEM
 * private key.
 */
@Injectable()
export class MyDataHelpsClient {
  constructor(private readonly http: UpstreamHttp) {}

  /** The MyDataHelps origin of the token URL, with a trailing slash (the SDK's base URL). */
  sdkBaseUrl(integration: Integration): string {
    return `${new URL(integration.setting('tokenUrl')).origin}/`;
  }

  /** A service token by client assertion; no client_id (the assertion is the client auth). */
  serviceToken(integration: Integration): Promise<MyDataHelpsToken> {
    const assertion = clientAssertion({
      serviceAccount: integration.setting('serviceAccount'),
      tokenUrl: integration.setting('tokenUrl'),
      privateKeyPem: integration.secret('privateKey'),
      now: new Date(),
    });
    return this.token(integration, 'client_credentials', {
      grant_type: 'client_credentials',
      scope: scopeOf(integration),
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: assertion,
    });
  }

  /** Exchanges a service token for one participant's token. */
  participantToken(
    integration: Integration,
    serviceToken: string,
    participantId: string,
  ): Promise<MyDataHelpsToken> {
    return this.token(integration, 'delegated_participant', {
      grant_type: 'delegated_participant',
      participant_id: participantId,
      client_id: DELEGATED_PARTICIPANT_CLIENT_ID,
      client_secret: DELEGATED_PARTICIPANT_CLIENT_SECRET,
      token: serviceToken,
      scope: scopeOf(integration),
    });
  }

  private async token(
    integration: Integration,
    grant: MyDataHelpsGrant,
    form: Record<string, string>,
  ): Promise<MyDataHelpsToken> {
    const response = await this.http.send({
      provider: MYDATAHELPS,
      method: 'POST',
      url: integration.setting('tokenUrl'),
      form,
      // A resent assertion would replay its jti and be refused, so the service grant is sent
      // once; the participant grant mints a fresh token each time and is safe to resend.
      idempotent: grant === 'delegated_participant',
    });
    return myDataHelpsToken(response, grant);
  }
}

function scopeOf(integration: Integration): string {
  return integration.settings.scope ?? DEFAULT_SCOPE;
}
