import type { IntegrationDefinition } from '@keyhouse/integrations';
import { API_STREAM } from './api-stream-answers';

/** api.stream: a project API key; Keyhouse chooses the serviceUserId. */
export const API_STREAM_DEFINITION: IntegrationDefinition = {
  provider: API_STREAM,
  settings: [
    {
      name: 'baseUrl',
      kind: 'url',
      defaultValue: 'https://live.api.stream',
      description: 'The api.stream API origin',
    },
  ],
  secrets: [{ name: 'apiKey', kind: 'text', description: 'The project API key (X-API-Key)' }],
  environment: { config: 'apiStream', fields: { baseUrl: 'baseUrl', apiKey: 'clientSecret' } },
  upstreamUserIds: 'chosen',
};
