import { ProviderErrorCode, providerErrors } from './provider.errors';

const errors = providerErrors('acme');

describe('provider errors', () => {
  it('keep an upstream code that is one plain word', () => {
    expect(errors.rejected('invalid_scope', 400).upstreamCode).toBe('invalid_scope');
    expect(errors.unavailable('http_503').upstreamCode).toBe('http_503');
  });

  it.each([
    ['a NUL', 'bad\u0000word'],
    ['an unpaired surrogate', 'bad\ud800word'],
    ['more than last_error holds', `a${'b'.repeat(64)}`],
    ['prose', 'the token rt_0123 was refused'],
    ['nothing', ''],
  ])('replace an upstream code holding %s with the classification', (_label, word) => {
    expect(errors.rejected(word, 400).upstreamCode).toBe(ProviderErrorCode.Rejected);
    expect(errors.misconfigured(word).upstreamCode).toBe(ProviderErrorCode.Misconfigured);
    const refused = errors.needsReauth(word);
    expect(refused.upstreamCode).toBe(ProviderErrorCode.NeedsReauth);
    // Nor is it repeated in the answer's words.
    expect(refused.message).toBe(
      'acme refused the stored grant (needs_reauth); the user must connect again',
    );
  });
});
