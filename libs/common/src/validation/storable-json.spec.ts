import { storableJson, storableText } from './storable-json';

describe('storableJson', () => {
  it('writes JSON as JSON.stringify does when nothing in it is refused', () => {
    const value = { name: 'Zoë 🙂', list: [1, 'two', null], at: new Date(0), escaped: 'a\\u0000' };
    expect(storableJson(value)).toBe(JSON.stringify(value));
  });

  it('writes NUL and unpaired surrogates as U+FFFD, in values and keys, at any depth', () => {
    const parsed = JSON.parse(
      storableJson({
        'k\u0000': ['a\u0000b', { deep: 'x\ud800y' }],
        pair: '\ud83d\ude42',
        lone: '\udfff',
      }),
    );
    expect(parsed).toEqual({
      'k\ufffd': ['a\ufffdb', { deep: 'x\ufffdy' }],
      pair: '🙂',
      lone: '\ufffd',
    });
  });

  it('leaves an escaped backslash followed by "u0000" or "ud800" as the text it is', () => {
    const value = [{ name: '\\u0000 \\ud800', other: 'a\u0000' }];
    expect(JSON.parse(storableJson(value))).toEqual([
      { name: '\\u0000 \\ud800', other: 'a\ufffd' },
    ]);
  });

  it('leaves what has its own JSON (a Date) to it', () => {
    const at = new Date(1_000);
    expect(JSON.parse(storableJson({ at, name: 'a\u0000' }))).toEqual({
      at: at.toISOString(),
      name: 'a\ufffd',
    });
  });
});

describe('storableText', () => {
  it('replaces NUL and unpaired surrogates only', () => {
    expect(storableText('a\u0000b\ud800c\ud83d\ude42')).toBe('a\ufffdb\ufffdc🙂');
  });
});
