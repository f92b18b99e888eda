import { pathOf } from './url-path';

describe('pathOf', () => {
  it.each([
    ['https://api.example.com/api/v1/token/refresh', '/api/v1/token/refresh'],
    ['http://127.0.0.1:4000/oauth/token?grant=refresh&secret=x', '/oauth/token'],
    ['https://api.example.com/a/b#frag', '/a/b'],
    ['https://api.example.com', '/'],
    ['https://api.example.com?x=1', '/'],
    ['https://api.example.com?x=/y', '/'],
    ['https://user@host.example/p?q=/x', '/p'],
  ])('%s → %s, as new URL() would have it', (url, path) => {
    expect(pathOf(url)).toBe(path);
    expect(pathOf(url)).toBe(new URL(url).pathname);
  });
});
