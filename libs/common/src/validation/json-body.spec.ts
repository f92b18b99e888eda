import { MAX_BODY_DEPTH, nestingDepth } from './json-body';
import { findNul } from './nul-characters';

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

describe('findNul', () => {
  it('finds NUL in strings, in arrays and in keys, and names where', () => {
    expect(findNul({ name: 'a\u0000b' }, 'body')).toBe('body.name');
    expect(findNul({ scopes: ['ok', 'x\u0000'] }, 'body')).toBe('body.scopes[1]');
    expect(findNul({ ['na\u0000me']: 'x' }, 'body')).toBe('body');
    expect(findNul('\u0000', 'path')).toBe('path');
  });

  it('does not echo odd or long keys in the path', () => {
    expect(findNul({ ['x'.repeat(100)]: '\u0000' }, 'query')).toBe('query');
    expect(findNul({ ['<script>']: '\u0000' }, 'query')).toBe('query');
  });

  it('passes values without NUL, including an escaped backslash-zero', () => {
    expect(findNul({ a: ['\\u0000', 1, null, true, { b: '\\0' }] }, 'body')).toBeUndefined();
  });

  it('walks deep values without recursion', () => {
    let deep: unknown = '\u0000';
    for (let index = 0; index < 100_000; index++) {
      deep = [deep];
    }
    expect(findNul(deep, 'body')).toMatch(/^body(\[0\])+$/);
  });
});
