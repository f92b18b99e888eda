import type { IntegrationDefinition } from '@keyhouse/integrations';
import { TPA_STREAM } from './tpa-stream-answers';

/** TPA Stream: a connect access key and secret key; connect tokens name no user upstream. */
export const TPA_STREAM_DEFINITION: IntegrationDefinition = {
  provider: TPA_STREAM,
  settings: [
    {
      name: 'baseUrl',
      kind: 'url',
      defaultValue: 'https://app.tpastream.com',
      description: 'The TPA Stream origin',
    },
    { name: 'accessKey', kind: 'text', description: 'The connect access key (also the sdkToken)' },
  ],
  secrets: [{ name: 'secretKey', kind: 'text', description: 'The connect secret key' }],
  environment: {
    config: 'tpaStream',
    fields: { baseUrl: 'baseUrl', accessKey: 'clientId', secretKey: 'clientSecret' },
  },
  upstreamUserIds: 'provider-owned',
};
