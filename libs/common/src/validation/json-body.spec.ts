import { MAX_BODY_DEPTH, nestingDepth } from './json-body';
import { findUnstorableText } from './unstorable-text';

describe('nestingDepth', () => {
  it.each([
    ['{}', 1],
    ['[]', 1],
    ['"[[[["', 0],
    ['{"a":[{"b":[]}]}', 4],
    ['{"a":"\\"[[[["}', 1],
    ['{"a":"\\\\"}', 1],
    [`${'['.repeat(10_000)}${']'.repeat(10_000)}`, 10_000],
  ])('counts %s as %i, ignoring brackets inside strings', (text, depth) => {
    expect(nestingDepth(text)).toBe(depth);
  });

  it('allows what Keyhouse bodies need', () => {
    expect(MAX_BODY_DEPTH).toBeGreaterThanOrEqual(8);
  });
});

describe('findUnstorableText', () => {
  it('finds NUL in strings, in arrays and in keys, and names where', () => {
    expect(findUnstorableText({ name: 'a\u0000b' }, 'body')).toBe('body.name');
    expect(findUnstorableText({ scopes: ['ok', 'x\u0000'] }, 'body')).toBe('body.scopes[1]');
    expect(findUnstorableText({ ['na\u0000me']: 'x' }, 'body')).toBe('body');
    expect(findUnstorableText('\u0000', 'path')).toBe('path');
  });

  it('finds unpaired surrogates, and passes paired ones', () => {
    expect(findUnstorableText({ userId: 'a\ud800b' }, 'body')).toBe('body.userId');
    expect(findUnstorableText({ userId: 'a\udc00' }, 'body')).toBe('body.userId');
    expect(findUnstorableText({ ['\udfff']: 'x' }, 'body')).toBe('body');
    expect(findUnstorableText({ userId: 'smile \ud83d\ude00' }, 'body')).toBeUndefined();
  });

  it('does not echo odd or long keys in the path', () => {
    expect(findUnstorableText({ ['x'.repeat(100)]: '\u0000' }, 'query')).toBe('query');
    expect(findUnstorableText({ ['<script>']: '\u0000' }, 'query')).toBe('query');
  });

  it('passes values without NUL, including an escaped backslash-zero', () => {
    expect(
      findUnstorableText({ a: ['\\u0000', 1, null, true, { b: '\\0' }] }, 'body'),
    ).toBeUndefined();
  });

  it('walks deep values without recursion', () => {
    let deep: unknown = '\u0000';
    for (let index = 0; index < 100_000; index++) {
      deep = [deep];
    }
    expect(findUnstorableText(deep, 'body')).toMatch(/^body(\[0\])+$/);
  });
});
