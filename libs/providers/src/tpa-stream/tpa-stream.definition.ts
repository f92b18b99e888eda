import { FakeTpaStream, startFake } from '@keyhouse/sandbox';
import type { ProviderDefinition } from '../provider-definition';
import { TPA_STREAM } from './tpa-stream-answers';
import { TpaStreamModule } from './tpa-stream.module';
import { TpaStreamProvider } from './tpa-stream.provider';

/** TPA Stream: a connect access key and secret key; connect tokens name no user upstream. */
export const TPA_STREAM_DEFINITION: ProviderDefinition = {
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
    baseUrl: { field: 'baseUrl', variable: 'TPA_STREAM_BASE_URL' },
    credentials: [
      { field: 'accessKey', variable: 'TPA_STREAM_ACCESS_KEY' },
      { field: 'secretKey', variable: 'TPA_STREAM_SECRET_KEY' },
    ],
  },
  upstreamUserIds: 'provider-owned',
  module: TpaStreamModule,
  tokenProvider: TpaStreamProvider,
  sandbox: (options) =>
    startFake(new FakeTpaStream(options), (fake) => ({
      baseUrl: fake.baseUrl,
      accessKey: fake.accessKey,
      secretKey: fake.secretKey,
    })),
};
