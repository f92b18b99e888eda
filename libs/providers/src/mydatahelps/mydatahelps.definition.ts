import { FakeMyDataHelps, startFake } from '@keyhouse/sandbox';
import type { ProviderDefinition } from '../provider-definition';
import { MYDATAHELPS } from './mydatahelps-answers';
import { MyDataHelpsModule } from './mydatahelps.module';
import { MyDataHelpsProvider } from './mydatahelps.provider';

/**
 * MyDataHelps: a service account and its private key. Participant ids belong to
 * MyDataHelps and are sent as they are: isolation comes from which integration a team uses.
 */
export const MYDATAHELPS_DEFINITION: ProviderDefinition = {
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
    baseUrl: { field: 'tokenUrl', variable: 'MYDATAHELPS_TOKEN_URL' },
    credentials: [
      { field: 'serviceAccount', variable: 'MYDATAHELPS_SERVICE_ACCOUNT' },
      {
        field: 'privateKey',
        variable: 'MYDATAHELPS_PRIVATE_KEY',
        format: {
          pattern: /-----BEGIN (RSA )?PRIVATE KEY-----/,
          message: 'MYDATAHELPS_PRIVATE_KEY must be a PEM private key',
        },
      },
    ],
  },
  upstreamUserIds: 'provider-owned',
  module: MyDataHelpsModule,
  tokenProvider: MyDataHelpsProvider,
  sandbox: (options) =>
    startFake(new FakeMyDataHelps(options), (fake) => ({
      tokenUrl: fake.tokenUrl,
      serviceAccount: fake.serviceAccount,
      // Always set: this fake generated its own key pair.
      privateKey: fake.privateKeyPem ?? '',
    })),
};
