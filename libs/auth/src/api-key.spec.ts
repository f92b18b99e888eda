import { BEARER_PATTERN, displayPrefix, generateApiKey, hashApiKey, hashesMatch } from './api-key';

describe('API keys', () => {
  it('carries 256 random bits behind a kind prefix', () => {
    const live = generateApiKey('live');
    expect(live).toMatch(/^kh_live_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(live.slice(8), 'base64url')).toHaveLength(32);
    expect(generateApiKey('dev')).toMatch(/^kh_dev_/);
    expect(generateApiKey('live')).not.toBe(live);
  });

  it('hashes to 32 bytes and compares in constant time', () => {
    const key = generateApiKey('live');
    expect(hashApiKey(key)).toHaveLength(32);
    expect(hashesMatch(hashApiKey(key), hashApiKey(key))).toBe(true);
    expect(hashesMatch(hashApiKey(key), hashApiKey(`${key}x`))).toBe(false);
    expect(hashesMatch(hashApiKey(key), Buffer.alloc(3))).toBe(false);
  });

  it('shows only a short prefix', () => {
    expect(displayPrefix('kh_live_AbCdEfGh')).toBe('kh_live_AbCd');
    expect(displayPrefix('kh_dev_AbCdEfGh')).toBe('kh_dev_AbCd');
    expect(displayPrefix('operator-supplied-secret-value-xyz')).toBe('oper');
  });

  it('accepts only bearer tokens of a plausible shape', () => {
    expect(BEARER_PATTERN.test(`Bearer ${generateApiKey('live')}`)).toBe(true);
    expect(BEARER_PATTERN.test('Bearer short')).toBe(false);
    expect(BEARER_PATTERN.test(`bearer ${generateApiKey('live')}`)).toBe(false);
    expect(BEARER_PATTERN.test(`Bearer ${'a'.repeat(40)} ${'b'.repeat(40)}`)).toBe(false);
  });
});
