import type { IntegrationDefinition } from '@keyhouse/integrations';
import { MESH } from './mesh-answers';

/** Mesh: a client id and secret; Keyhouse chooses the userId of link tokens. */
export const MESH_DEFINITION: IntegrationDefinition = {
  provider: MESH,
  settings: [
    {
      name: 'baseUrl',
      kind: 'url',
      defaultValue: 'https://integration-api.meshconnect.com',
      description: 'The Mesh integration API origin',
    },
    { name: 'clientId', kind: 'text', description: 'X-Client-Id' },
  ],
  secrets: [{ name: 'clientSecret', kind: 'text', description: 'X-Client-Secret' }],
  environment: {
    config: 'mesh',
    fields: { baseUrl: 'baseUrl', clientId: 'clientId', clientSecret: 'clientSecret' },
  },
  upstreamUserIds: 'chosen',
};
