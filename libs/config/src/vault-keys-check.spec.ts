import { ConfigurationError } from './config.errors';
import { loadConfig } from './load-config';
import type { ProviderVariables } from './provider-variables';

const NO_PROVIDERS: readonly ProviderVariables[] = [];

const material = (bytes: number, fill = 7) => Buffer.alloc(bytes, fill).toString('base64');
const GOOD = `main:${material(32)}`;

function problemsOf(environment: Record<string, string>): string {
  try {
    loadConfig(NO_PROVIDERS, environment);
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
    expect(
      loadConfig(NO_PROVIDERS, { VAULT_KEYS: `${GOOD}, next:${material(32, 9)}` }).vault.keys,
    ).toBeDefined();
  });
});
