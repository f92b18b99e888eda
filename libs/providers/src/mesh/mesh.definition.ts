import { FakeMesh, startFake } from '@keyhouse/sandbox';
import type { ProviderDefinition } from '../provider-definition';
import { MESH } from './mesh-answers';
import { MeshModule } from './mesh.module';
import { MeshProvider } from './mesh.provider';

/** Mesh: a client id and secret; Keyhouse chooses the userId of link tokens. */
export const MESH_DEFINITION: ProviderDefinition = {
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
    baseUrl: { field: 'baseUrl', variable: 'MESH_BASE_URL' },
    credentials: [
      { field: 'clientId', variable: 'MESH_CLIENT_ID' },
      { field: 'clientSecret', variable: 'MESH_CLIENT_SECRET' },
    ],
  },
  upstreamUserIds: 'chosen',
  module: MeshModule,
  tokenProvider: MeshProvider,
  sandbox: (options) =>
    startFake(new FakeMesh(options), (fake) => ({
      baseUrl: fake.baseUrl,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
    })),
};
