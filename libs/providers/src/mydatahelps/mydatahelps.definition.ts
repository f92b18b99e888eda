import type { IntegrationDefinition } from '@keyhouse/integrations';
import { MYDATAHELPS } from './mydatahelps-answers';

/**
 * MyDataHelps: a service account and its private key. Participant ids belong to
 * MyDataHelps and are sent as they are: isolation comes from which integration a team uses.
 */
export const MYDATAHELPS_DEFINITION: IntegrationDefinition = {
  provider: MYDATAHELPS,
  settings: [
    {
      name: 'tokenUrl',
      kind: 'url',
      defaultValue: 'https://mydatahelps.org/identityserver/connect/token',
      description: 'The full token URL',
    },
    { name: 'serviceAccount', kind: 'text', description: 'The service account name' },
    { name: 'scope', kind: 'text', optional: true, description: 'Token scope (default "api")' },
  ],
  secrets: [
    { name: 'privateKey', kind: 'text', description: "The service account's PEM private key" },
  ],
  environment: {
    config: 'myDataHelps',
    fields: { tokenUrl: 'baseUrl', serviceAccount: 'clientId', privateKey: 'clientSecret' },
  },
  upstreamUserIds: 'provider-owned',
};
