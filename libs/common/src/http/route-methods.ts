import type { FastifyInstance } from 'fastify';

interface LearnedRoute {
  readonly segments: readonly string[];
  readonly method: string;
}

/**
 * The methods each registered path answers, to tell "no such path" (404) from "this path,
 * but not with this method" (405 with an Allow header, RFC 9110 §15.5.6): Fastify's router
 * answers both with its not-found handler. Routes are learned as they are added (an onRoute
 * hook, so this must be set up before any route), HEAD twins of GET routes included, and a
 * path is matched the way the router matches it: a static segment exactly, a `:param`
 * segment any non-empty one, a `*` whatever is left.
 */
export class RouteMethods {
  private readonly routes: LearnedRoute[] = [];

  static following(fastify: FastifyInstance): RouteMethods {
    const methods = new RouteMethods();
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        methods.learn(route.url, method);
      }
    });
    return methods;
  }

  learn(url: string, method: string): void {
    this.routes.push({ segments: url.split('/'), method: method.toUpperCase() });
  }

  /** The methods some route answers on `path` (no query string), sorted; none: empty. */
  allowedOn(path: string): string[] {
    const segments = path.split('/');
    const allowed = new Set<string>();
    for (const route of this.routes) {
      if (matches(route.segments, segments)) {
        allowed.add(route.method);
      }
    }
    return [...allowed].sort();
  }
}

function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index] ?? '';
    if (expected === '*') {
      return true;
    }
    const actual = segments[index];
    if (actual === undefined) {
      return false;
    }
    if (expected.startsWith(':') ? actual === '' : expected !== actual) {
      return false;
    }
  }
  return pattern.length === segments.length;
}
