import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface RouteEntry {
  readonly method: string;
  /** As registered: `/admin/clients/:id`, `/docs/*`. */
  readonly path: string;
}

/**
 * Every route the running app's Fastify router holds (Nest's, /metrics, /docs), read from
 * `printRoutes`, so a route added later is covered by the suites that iterate over them.
 * HEAD twins of GET routes are left out.
 */
export function routeTable(app: NestFastifyApplication): RouteEntry[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: RouteEntry[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!match) {
      continue;
    }
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const path = stack.join('');
    for (const method of (match[3] ?? '').split(',').map((name) => name.trim())) {
      if (method && method !== 'HEAD') {
        routes.push({ method, path });
      }
    }
  }
  return routes;
}
