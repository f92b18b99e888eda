import { loadConfig } from '@keyhouse/config';
import { PROVIDER_REGISTRY, providerNames, providerVariables } from './provider-registry';

describe('PROVIDER_REGISTRY', () => {
  it('names each provider once, in the order the API lists them', () => {
    expect(providerNames(PROVIDER_REGISTRY)).toEqual([
      'tpa-stream',
      'stream-chat',
      'mydatahelps',
      'mesh',
      'api-stream',
    ]);
  });

  // The variable names and defaults are the public contract (README, "Configuration").
  it('declares exactly the documented variables and defaults', () => {
    const declared = providerVariables().map(({ provider, baseUrl, credentials }) => ({
      provider,
      baseUrl,
      credentials: credentials.map((credential) => credential.name),
    }));
    expect(declared).toEqual([
      {
        provider: 'tpa-stream',
        baseUrl: { name: 'TPA_STREAM_BASE_URL', defaultValue: 'https://app.tpastream.com' },
        credentials: ['TPA_STREAM_ACCESS_KEY', 'TPA_STREAM_SECRET_KEY'],
      },
      {
        provider: 'stream-chat',
        baseUrl: { name: 'STREAM_CHAT_BASE_URL', defaultValue: 'https://chat.stream-io-api.com' },
        credentials: ['STREAM_CHAT_API_KEY', 'STREAM_CHAT_API_SECRET'],
      },
      {
        provider: 'mydatahelps',
        baseUrl: {
          name: 'MYDATAHELPS_TOKEN_URL',
          defaultValue: 'https://mydatahelps.org/identityserver/connect/token',
        },
        credentials: ['MYDATAHELPS_SERVICE_ACCOUNT', 'MYDATAHELPS_PRIVATE_KEY'],
      },
      {
        provider: 'mesh',
        baseUrl: { name: 'MESH_BASE_URL', defaultValue: 'https://integration-api.meshconnect.com' },
        credentials: ['MESH_CLIENT_ID', 'MESH_CLIENT_SECRET'],
      },
      {
        provider: 'api-stream',
        baseUrl: { name: 'API_STREAM_BASE_URL', defaultValue: 'https://live.api.stream' },
        credentials: ['API_STREAM_API_KEY'],
      },
    ]);
  });

  it('gives every provider a sandbox fake', () => {
    expect(PROVIDER_REGISTRY.filter((definition) => !definition.sandbox)).toEqual([]);
  });

  describe('read by loadConfig', () => {
    const load = (environment: Record<string, string>) =>
      loadConfig(providerVariables(), environment);

    it('applies the documented defaults, and the sandbox while nothing is configured', () => {
      const config = load({});
      expect(config.providers.mesh.baseUrl).toBe('https://integration-api.meshconnect.com');
      expect(config.sandbox).toBe(true);
    });

    it('turns the sandbox off by default once any provider is configured', () => {
      expect(load({ MESH_CLIENT_ID: 'id', MESH_CLIENT_SECRET: 'secret' }).sandbox).toBe(false);
      expect(load({ API_STREAM_API_KEY: 'key' }).sandbox).toBe(false);
      expect(
        load({ MESH_CLIENT_ID: 'id', MESH_CLIENT_SECRET: 'secret', SANDBOX: 'true' }).sandbox,
      ).toBe(true);
    });

    it('warns about providers set up by halves, naming variables only', () => {
      const config = load({ MESH_CLIENT_ID: 'mesh-id-value', STREAM_CHAT_API_SECRET: 's3cr3t' });
      expect(config.warnings).toEqual([
        'STREAM_CHAT_API_SECRET is set but STREAM_CHAT_API_KEY is not: the provider is only half configured',
        'MESH_CLIENT_ID is set but MESH_CLIENT_SECRET is not: the provider is only half configured',
      ]);
      expect(config.warnings.join('\n')).not.toMatch(/mesh-id-value|s3cr3t/);
    });

    it('refuses a MyDataHelps key that is not PEM, and a bad base URL, by name', () => {
      const attempt = () => load({ MYDATAHELPS_PRIVATE_KEY: 'nope', TPA_STREAM_BASE_URL: 'x' });
      expect(attempt).toThrow(/MYDATAHELPS_PRIVATE_KEY must be a PEM private key/);
      expect(attempt).toThrow(/TPA_STREAM_BASE_URL must be a URL address/);
    });
  });
});
