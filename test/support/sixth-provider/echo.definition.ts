import type { ProviderDefinition } from '@keyhouse/providers';
import { startFake } from '@keyhouse/sandbox';
import { ECHO } from './echo-answers';
import { EchoModule } from './echo.module';
import { EchoProvider } from './echo.provider';
import { FakeEcho } from './fake-echo';

/**
 * Echo, a sixth provider that exists only for the tests: its folder and this definition are
 * all it takes (test/integrations/sixth-provider.e2e-spec.ts adds it to the registry).
 */
export const ECHO_DEFINITION: ProviderDefinition = {
  provider: ECHO,
  settings: [
    {
      name: 'baseUrl',
      kind: 'url',
      defaultValue: 'https://echo.example.invalid',
      description: 'The echo API origin',
    },
    { name: 'keyId', kind: 'text', description: 'The key id (X-Echo-Key-Id)' },
  ],
  secrets: [{ name: 'keySecret', kind: 'text', description: 'The key secret (Bearer)' }],
  environment: {
    baseUrl: { field: 'baseUrl', variable: 'ECHO_BASE_URL' },
    credentials: [
      { field: 'keyId', variable: 'ECHO_KEY_ID' },
      { field: 'keySecret', variable: 'ECHO_KEY_SECRET' },
    ],
  },
  upstreamUserIds: 'chosen',
  module: EchoModule,
  tokenProvider: EchoProvider,
  sandbox: (options) =>
    startFake(new FakeEcho(options), (fake) => ({
      baseUrl: fake.baseUrl,
      keyId: fake.keyId,
      keySecret: fake.keySecret,
    })),
};
