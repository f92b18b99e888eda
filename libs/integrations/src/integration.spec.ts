import { loadConfig } from '@keyhouse/config';
import { providerVariablesOf, variablesOfFields } from './definition-environment';
import { environmentIntegration, environmentIntegrationId } from './integration';
import type { IntegrationDefinition } from './integration-definition';
import { fieldProblems, withDefaults } from './integration-fields';

const DEFINITION: IntegrationDefinition = {
  provider: 'stream-chat',
  settings: [
    { name: 'baseUrl', kind: 'url', defaultValue: 'https://chat.example', description: '' },
    { name: 'apiKey', kind: 'text', description: '' },
  ],
  secrets: [{ name: 'apiSecret', kind: 'text', description: '' }],
  environment: {
    baseUrl: { field: 'baseUrl', variable: 'STREAM_CHAT_BASE_URL' },
    credentials: [
      { field: 'apiKey', variable: 'STREAM_CHAT_API_KEY' },
      { field: 'apiSecret', variable: 'STREAM_CHAT_API_SECRET' },
    ],
  },
  upstreamUserIds: 'chosen',
};
const VARIABLES = [providerVariablesOf(DEFINITION)!];

describe('providerVariablesOf', () => {
  it('declares the variables, the URL default being the setting default', () => {
    expect(VARIABLES[0]).toEqual({
      provider: 'stream-chat',
      baseUrl: { name: 'STREAM_CHAT_BASE_URL', defaultValue: 'https://chat.example' },
      credentials: [{ name: 'STREAM_CHAT_API_KEY' }, { name: 'STREAM_CHAT_API_SECRET' }],
    });
    expect(providerVariablesOf({ ...DEFINITION, environment: undefined })).toBeNull();
  });

  it('refuses an environment that names a field the provider lacks, or a URL without default', () => {
    const environment = DEFINITION.environment!;
    expect(() =>
      providerVariablesOf({
        ...DEFINITION,
        environment: { ...environment, credentials: [{ field: 'nope', variable: 'X' }] },
      }),
    ).toThrow(/names no field nope/);
    expect(() =>
      providerVariablesOf({
        ...DEFINITION,
        environment: { ...environment, baseUrl: { field: 'apiKey', variable: 'X' } },
      }),
    ).toThrow(/url setting with a default/);
  });

  it('maps field values back to variables (the URL and keys of a sandbox fake)', () => {
    expect(
      variablesOfFields(DEFINITION, { baseUrl: 'http://127.0.0.1:1', apiKey: 'k', apiSecret: 's' }),
    ).toEqual({
      STREAM_CHAT_BASE_URL: 'http://127.0.0.1:1',
      STREAM_CHAT_API_KEY: 'k',
      STREAM_CHAT_API_SECRET: 's',
    });
    expect(() => variablesOfFields(DEFINITION, { baseUrl: 'http://x' })).toThrow(/apiKey/);
  });
});

describe('environmentIntegrationId', () => {
  it('is a stable uuid per provider', () => {
    const id = environmentIntegrationId('stream-chat');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(environmentIntegrationId('stream-chat')).toBe(id);
    expect(environmentIntegrationId('mesh')).not.toBe(id);
  });
});

describe('environmentIntegration', () => {
  it('reads the provider variables, and is absent without a required one', () => {
    const config = loadConfig(VARIABLES, {
      STREAM_CHAT_API_KEY: 'key',
      STREAM_CHAT_API_SECRET: 'secret-value',
      SANDBOX: 'false',
    });
    const integration = environmentIntegration(DEFINITION, config)!;
    expect(integration.settings).toEqual({
      baseUrl: 'https://chat.example',
      apiKey: 'key',
    });
    expect(integration.secret('apiSecret')).toBe('secret-value');
    expect(integration).toMatchObject({ teams: ['*'], userIds: 'derived', source: 'environment' });
    // Secrets stay out of serialisation.
    expect(JSON.stringify(integration)).not.toContain('secret-value');
    expect(
      environmentIntegration(DEFINITION, loadConfig(VARIABLES, { SANDBOX: 'false' })),
    ).toBeNull();
  });
});

describe('fieldProblems', () => {
  it('names unknown, missing, empty and non-URL fields, never their values', () => {
    const problems = fieldProblems(
      DEFINITION,
      'settings',
      { baseUrl: 'ftp://x', extra: 'hidden-value', apiKey: '' },
      true,
    );
    expect(problems.map((problem) => problem.field).sort()).toEqual([
      'settings.apiKey',
      'settings.baseUrl',
      'settings.extra',
    ]);
    expect(JSON.stringify(problems)).not.toContain('hidden-value');
    expect(fieldProblems(DEFINITION, 'secrets', {}, true)).toEqual([
      { field: 'secrets.apiSecret', message: 'secrets.apiSecret is required' },
    ]);
    expect(fieldProblems(DEFINITION, 'secrets', {}, false)).toEqual([]);
  });

  it('fills defaults for absent settings', () => {
    expect(withDefaults(DEFINITION, { apiKey: 'k' })).toEqual({
      apiKey: 'k',
      baseUrl: 'https://chat.example',
    });
  });
});
