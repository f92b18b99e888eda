import { ConfigurationError } from './config.errors';
import { loadConfig } from './load-config';

const material = (bytes: number, fill = 7) => Buffer.alloc(bytes, fill).toString('base64');
const GOOD = `main:${material(32)}`;

function problemsOf(environment: Record<string, string>): string {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('VAULT_KEYS problems', () => {
  it.each([
    ['a stray comma', `${GOOD},`, /entry 2 is empty/],
    ['an entry without an id', material(32), /entry 1 has no "id:"/],
    ['an id with odd characters', `bad id!:${material(32)}`, /entry 1: the id must be/],
    ['a key that is not base64', 'main:not*base64*at*all', /key "main" is not valid base64/],
    ['a key of the wrong length', `main:${material(16)}`, /key "main" is 16 bytes; it must be 32/],
    ['the same id twice', `${GOOD},main:${material(32, 9)}`, /lists the key id "main" twice/],
  ])('names the cause for %s, without the key material', (_label, keys, expected) => {
    const message = problemsOf({ VAULT_KEYS: keys });
    expect(message).toMatch(expected);
    for (const secret of [material(32), material(16), material(32, 9), 'not*base64*at*all']) {
      expect(message).not.toContain(secret);
    }
  });

  it('says when VAULT_ACTIVE_KEY names no listed key', () => {
    expect(problemsOf({ VAULT_KEYS: GOOD, VAULT_ACTIVE_KEY: 'next' })).toMatch(
      /VAULT_ACTIVE_KEY "next" is not one of the ids in VAULT_KEYS/,
    );
  });

  it('accepts well-formed keys', () => {
    expect(loadConfig({ VAULT_KEYS: `${GOOD}, next:${material(32, 9)}` }).vault.keys).toBeDefined();
  });
});

describe('providers configured by halves', () => {
  it('warns naming the variables set and missing, never their values', () => {
    const config = loadConfig({
      MESH_CLIENT_ID: 'mesh-id-value',
      STREAM_CHAT_API_SECRET: 's3cr3t-value',
    });
    expect(config.warnings).toEqual([
      'STREAM_CHAT_API_SECRET is set but STREAM_CHAT_API_KEY is not: the provider is only half configured',
      'MESH_CLIENT_ID is set but MESH_CLIENT_SECRET is not: the provider is only half configured',
    ]);
    expect(config.warnings.join('\n')).not.toMatch(/mesh-id-value|s3cr3t-value/);
  });

  it('has nothing to say about complete or absent providers', () => {
    expect(loadConfig({ MESH_CLIENT_ID: 'id', MESH_CLIENT_SECRET: 'secret' }).warnings).toEqual([]);
    expect(loadConfig({}).warnings).toEqual([]);
  });
});
