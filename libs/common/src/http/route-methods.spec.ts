import { RouteMethods } from './route-methods';

describe('RouteMethods', () => {
  const methods = new RouteMethods();
  for (const [method, url] of [
    ['GET', '/v1/credentials'],
    ['HEAD', '/v1/credentials'],
    ['GET', '/v1/credentials/:id'],
    ['DELETE', '/v1/credentials/:id'],
    ['GET', '/v1/credentials/:id/token'],
    ['post', '/admin/clients'],
    ['GET', '/console/assets/*'],
  ] as const) {
    methods.learn(url, method);
  }

  it.each([
    ['/v1/credentials', ['GET', 'HEAD']],
    ['/v1/credentials/0b7c', ['DELETE', 'GET']],
    ['/v1/credentials/0b7c/token', ['GET']],
    ['/admin/clients', ['POST']],
    ['/console/assets/app/main.js', ['GET']],
    ['/console/assets/', ['GET']],
  ])('%s answers %j', (path, allowed) => {
    expect(methods.allowedOn(path)).toEqual(allowed);
  });

  it.each([
    '/v1/credentials/',
    '/v1/credentials//token',
    '/v1/credentials/0b7c/token/extra',
    '/v1/credential',
    '/V1/credentials',
    '/',
  ])('%s matches no route', (path) => {
    expect(methods.allowedOn(path)).toEqual([]);
  });
});
