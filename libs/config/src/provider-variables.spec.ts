import { inspect } from 'node:util';
import { ConfigurationError } from './config.errors';
import { loadConfig, withSandbox } from './load-config';
import type { ProviderVariables } from './provider-variables';

/** Two providers shaped like real ones: an id and a secret, and a single PEM key. */
const ACME: ProviderVariables = {
  provider: 'acme',
  baseUrl: { name: 'ACME_BASE_URL', defaultValue: 'https://api.acme.example/' },
  credentials: [{ name: 'ACME_CLIENT_ID' }, { name: 'ACME_CLIENT_SECRET' }],
};
const PEMCO: ProviderVariables = {
  provider: 'pemco',
  baseUrl: { name: 'PEMCO_TOKEN_URL', defaultValue: 'https://pemco.example/token' },
  credentials: [
    {
      name: 'PEMCO_PRIVATE_KEY',
      format: {
        pattern: /-----BEGIN (RSA )?PRIVATE KEY-----/,
        message: 'PEMCO_PRIVATE_KEY must be a PEM private key',
      },
    },
  ],
};
const PROVIDERS = [ACME, PEMCO];

function problemsOf(environment: Record<string, string>): string {
  try {
    loadConfig(PROVIDERS, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('provider variables', () => {
  it('reads each declared provider by name, with its default URL (trailing slashes dropped)', () => {
    const config = loadConfig(PROVIDERS, {});
    expect(Object.keys(config.providers)).toEqual(['acme', 'pemco']);
    expect(config.providers.acme).toMatchObject({
      baseUrl: 'https://api.acme.example',
      credentials: {},
      configured: false,
    });
    expect(config.sandbox).toBe(true);
  });

  it('calls a provider configured once every credential is set, and keeps them secret', () => {
    const config = loadConfig(PROVIDERS, {
      ACME_BASE_URL: 'http://127.0.0.1:9/',
      ACME_CLIENT_ID: 'id-value',
      ACME_CLIENT_SECRET: 'secret-value',
    });
    expect(config.providers.acme.configured).toBe(true);
    expect(config.providers.acme.baseUrl).toBe('http://127.0.0.1:9');
    expect(config.providers.acme.credentials.ACME_CLIENT_SECRET?.reveal()).toBe('secret-value');
    expect(config.providers.pemco.configured).toBe(false);
    // Any provider configured: the sandbox is off unless asked for.
    expect(config.sandbox).toBe(false);
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 })]) {
      expect(text).not.toMatch(/id-value|secret-value/);
    }
  });

  it('counts an empty variable as unset', () => {
    const config = loadConfig(PROVIDERS, { ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: '' });
    expect(config.providers.acme.configured).toBe(false);
  });

  it('refuses a bad URL, an over-long credential and a malformed key, by name only', () => {
    const message = problemsOf({
      ACME_BASE_URL: 'ftp://nope',
      ACME_CLIENT_ID: 'x'.repeat(513),
      PEMCO_PRIVATE_KEY: 'not-a-pem-value',
    });
    expect(message).toMatch(/ACME_BASE_URL must be a URL address/);
    expect(message).toMatch(/ACME_CLIENT_ID must be shorter than or equal to 512 characters/);
    expect(message).toMatch(/PEMCO_PRIVATE_KEY must be a PEM private key/);
    expect(message).not.toMatch(/not-a-pem-value|xxxx/);
  });

  it('takes a declared format instead of the length limit (a PEM key is longer than 512)', () => {
    const pem = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(1_600)}\n-----END PRIVATE KEY-----`;
    expect(loadConfig(PROVIDERS, { PEMCO_PRIVATE_KEY: pem }).providers.pemco.configured).toBe(true);
  });

  it('refuses a variable or provider declared twice', () => {
    expect(() => loadConfig([ACME, { ...PEMCO, baseUrl: ACME.baseUrl }], {})).toThrow(
      /ACME_BASE_URL is declared twice/,
    );
    expect(() => loadConfig([ACME, ACME], {})).toThrow(/provider acme is declared twice/);
  });

  it('points only the unconfigured providers at the sandbox', () => {
    const configured = loadConfig(PROVIDERS, {
      ACME_CLIENT_ID: 'real-id',
      ACME_CLIENT_SECRET: 'real-secret',
    });
    const sandboxed = withSandbox(
      configured,
      {
        ACME_BASE_URL: 'http://127.0.0.1:1',
        ACME_CLIENT_ID: 'fake-id',
        ACME_CLIENT_SECRET: 'fake-secret',
        PEMCO_TOKEN_URL: 'http://127.0.0.1:2/token',
        PEMCO_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----',
      },
      { ACME_CLIENT_ID: 'real-id', ACME_CLIENT_SECRET: 'real-secret' },
    );
    expect(sandboxed.sandbox).toBe(true);
    expect(sandboxed.providers.acme.credentials.ACME_CLIENT_ID?.reveal()).toBe('real-id');
    expect(sandboxed.providers.acme.baseUrl).toBe('https://api.acme.example');
    expect(sandboxed.providers.pemco).toMatchObject({
      baseUrl: 'http://127.0.0.1:2/token',
      configured: true,
    });
  });
});

describe('providers configured by halves', () => {
  it('warns naming the variables set and missing, never their values', () => {
    const config = loadConfig(PROVIDERS, {
      ACME_CLIENT_ID: 'acme-id-value',
      PEMCO_TOKEN_URL: 'https://pemco.example/other',
    });
    expect(config.warnings).toEqual([
      'ACME_CLIENT_ID is set but ACME_CLIENT_SECRET is not: the provider is only half configured',
      'PEMCO_TOKEN_URL is set but PEMCO_PRIVATE_KEY is not: the provider is only half configured',
    ]);
    expect(config.warnings.join('\n')).not.toMatch(/acme-id-value/);
  });

  it('has nothing to say about complete or absent providers', () => {
    expect(
      loadConfig(PROVIDERS, { ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 'secret' }).warnings,
    ).toEqual([]);
    expect(loadConfig(PROVIDERS, {}).warnings).toEqual([]);
  });
});
