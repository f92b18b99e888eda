import type { FastifyInstance } from 'fastify';

/**
 * Headers on every answer. Keyhouse is a JSON API: nothing it sends should ever be rendered,
 * framed, sniffed into another type, cached by a shared cache, or leak its URL (which may
 * hold ids) to another site. So:
 * - `nosniff`: a JSON or problem body is never reinterpreted as HTML or script;
 * - CSP `default-src 'none'; frame-ancestors 'none'`: if a browser does render an answer,
 *   it may load nothing and be framed by no one (X-Frame-Options for older browsers);
 * - `Referrer-Policy: no-referrer`: links from /docs never carry the gateway's URLs away;
 * - `Cross-Origin-Resource-Policy: same-origin`: other sites cannot embed answers;
 * - `Cache-Control: no-store` unless a route chose otherwise: answers are per caller;
 * - HSTS in production only, where TLS is terminated in front of the gateway; in development
 *   it would pin a plain-HTTP localhost to HTTPS in the browser.
 * A route with an HTML page (the Swagger UI under /docs) gets its own CSP through
 * `pagePolicies`, and any handler that sets Content-Security-Policy itself keeps it.
 */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Swagger UI: its own scripts and styles (it sets some inline styles), images as data URLs. */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const HSTS = 'max-age=31536000; includeSubDomains';

export interface SecurityHeaderOptions {
  readonly production: boolean;
  /** Path prefixes serving HTML pages, each with the CSP it needs. */
  readonly pagePolicies?: readonly { readonly prefix: string; readonly policy: string }[];
}

/** The headers for a raw answer written outside Fastify (parser errors, CONNECT). */
export function rawSecurityHeaders(production: boolean): Record<string, string> {
  return {
    ...BASE_SECURITY_HEADERS,
    'content-security-policy': API_CONTENT_SECURITY_POLICY,
    'cache-control': 'no-store',
    ...(production ? { 'strict-transport-security': HSTS } : {}),
  };
}

export function registerSecurityHeaders(
  fastify: FastifyInstance,
  options: SecurityHeaderOptions,
): void {
  const pages = options.pagePolicies ?? [];
  const always = {
    ...BASE_SECURITY_HEADERS,
    ...(options.production ? { 'strict-transport-security': HSTS } : {}),
  };
  // A callback hook, not an async one: it runs on every answer (see request-guards.ts).
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.headers(always);
    if (!reply.hasHeader('content-security-policy')) {
      const page = pages.find((candidate) => request.url.startsWith(candidate.prefix));
      void reply.header('content-security-policy', page?.policy ?? API_CONTENT_SECURITY_POLICY);
    }
    if (!reply.hasHeader('cache-control')) {
      void reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
}
