import { IS_PUBLIC, REQUIRED_SCOPE } from '@keyhouse/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { expectNoSecretsInLogs, type GatewayHarness, startGateway } from '@keyhouse/testing';

interface DiscoveredRoute {
  readonly method: string;
  readonly path: string;
  readonly isPublic: boolean;
  readonly scope: string | undefined;
}

/** Every route the gateway's controllers declare, with its guard metadata. */
function discoverRoutes(gateway: GatewayHarness): DiscoveredRoute[] {
  const scanner = new MetadataScanner();
  return [...gateway.app.get(ModulesContainer).values()]
    .flatMap((module) => [...module.controllers.values()])
    .flatMap((wrapper) => {
      const controller = wrapper.metatype as (new (...args: unknown[]) => object) | undefined;
      if (!controller) {
        return [];
      }
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      return scanner.getAllMethodNames(controller.prototype).flatMap((name) => {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) {
          return [];
        }
        const read = (key: string): unknown =>
          Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
        return [
          {
            method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number],
            path: `/${[prefix, path].filter((part) => part && part !== '/').join('/')}`.replace(
              /\/+/g,
              '/',
            ),
            isPublic: read(IS_PUBLIC) === true,
            scope: read(REQUIRED_SCOPE) as string | undefined,
          },
        ];
      });
    });
}

describe('authentication and authorization', () => {
  let gateway: GatewayHarness;
  const secrets = new Set<string>();

  beforeAll(async () => {
    gateway = await startGateway();
    secrets.add(gateway.adminKey);
  });

  afterAll(async () => {
    expectNoSecretsInLogs(gateway.logs, secrets);
    await gateway.close();
  });

  it('guards every route: each is either public (health, the console) or needs a scope', () => {
    const routes = discoverRoutes(gateway);
    expect(routes.length).toBeGreaterThan(5);
    const publicRoutes = routes.filter((route) => route.isPublic).map((route) => route.path);
    // The console's routes take no API key: its own session guard covers them (its tests).
    expect(publicRoutes.filter((path) => !/^\/(health|console)(\/|$)/.test(path))).toEqual([]);
    const unguarded = routes.filter((route) => !route.isPublic && !route.scope);
    expect(unguarded).toEqual([]);
  });

  it('answers 401 on every non-public route when no key is sent', async () => {
    const routes = discoverRoutes(gateway).filter((route) => !route.isPublic);
    for (const route of routes) {
      const path = route.path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
      const answer = await gateway.http.request(route.method, path, {
        body: ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined,
      });
      expect({ route: `${route.method} ${route.path}`, status: answer.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it.each([
    ['no header', {}],
    ['a non-bearer scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a short token', { authorization: 'Bearer abc' }],
    [
      'an unknown key',
      { authorization: 'Bearer kh_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    ],
    ['a forged key one character off', 'forged'],
  ])('refuses %s with 401 problem+json', async (_label, headers) => {
    const sent =
      headers === 'forged'
        ? {
            authorization: `Bearer ${gateway.adminKey.slice(0, -1)}${gateway.adminKey.endsWith('A') ? 'B' : 'A'}`,
          }
        : headers;
    const answer = await gateway.http.get('/admin/clients', { headers: sent });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 401,
      code: 'unauthenticated',
      title: expect.any(String),
    });
    expect(answer.body.requestId).toBe(answer.headers.get('x-request-id'));
  });

  it('answers 403 when the key lacks the scope', async () => {
    const created = await gateway.admin.post('/admin/clients', {
      name: 'reader',
      team: 'growth',
      scopes: ['tokens:read'],
      providers: ['*'],
    });
    secrets.add(created.body.apiKey);
    const answer = await gateway.http.get('/admin/clients', { key: created.body.apiKey });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('forbidden');
    expect(answer.body.detail).toContain('admin');
  });

  it('answers with a problem for unknown routes, without echoing secrets', async () => {
    const answer = await gateway.admin.get('/v1/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('not_found');
  });
});
