import { FakeApiStream, startFake } from '@keyhouse/sandbox';
import type { ProviderDefinition } from '../provider-definition';
import { API_STREAM } from './api-stream-answers';
import { ApiStreamModule } from './api-stream.module';
import { ApiStreamProvider } from './api-stream.provider';

/** api.stream: a project API key; Keyhouse chooses the serviceUserId. */
export const API_STREAM_DEFINITION: ProviderDefinition = {
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
  // One key, which is the secret: configured by it alone.
  environment: {
    baseUrl: { field: 'baseUrl', variable: 'API_STREAM_BASE_URL' },
    credentials: [{ field: 'apiKey', variable: 'API_STREAM_API_KEY' }],
  },
  upstreamUserIds: 'chosen',
  module: ApiStreamModule,
  tokenProvider: ApiStreamProvider,
  sandbox: (options) =>
    startFake(new FakeApiStream(options), (fake) => ({
      baseUrl: fake.baseUrl,
      apiKey: fake.apiKey,
    })),
};
