import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../errors/keyhouse-error';
import type { ProblemCode } from '../errors/problem-code';
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../errors/problem-document';
import { findUnstorableText, UNSTORABLE_TEXT } from '../validation/unstorable-text';
import { RouteMethods } from './route-methods';

/**
 * Checks on every request, before routing reaches a guard, pipe or handler (so for routes
 * outside Nest too: /metrics, /docs):
 * - exactly one Host header on HTTP/1.1 (RFC 9112 §3.2: a request with none or several is
 *   answered 400); Node's own check is off so that this answer is problem+json;
 * - a declared body over the limit is refused with 413 on every method: Fastify reads no
 *   body for GET, so without this a huge GET body was left on the connection;
 * - no NUL or unpaired surrogate in a query value or path parameter (the body is checked
 *   by the JSON parser);
 * - a path that some route answers, asked with another method, is 405 with an Allow
 *   header rather than the router's 404 (so this must be registered before the routes).
 * The answer is sent from the hook: routes registered outside Nest (/metrics) do not go
 * through Nest's error handler, so a thrown error would reach them as a bare 500. A
 * callback hook rather than an async one: it runs on every request, and a promise per hook
 * per request showed in the token read's profile.
 */
export function registerRequestGuards(
  fastify: FastifyInstance,
  options: { readonly bodyLimitBytes: number },
): void {
  const routes = RouteMethods.following(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    // A refused request is answered here and `done` is not called: the lifecycle stops.
    if (!hasOneHost(request)) {
      refuse(request, reply, 'validation_failed', 'Send exactly one Host header', [
        { field: 'host', message: 'send exactly one Host header' },
      ]);
      return;
    }
    if (Number(request.headers['content-length'] ?? 0) > options.bodyLimitBytes) {
      const kib = Math.round(options.bodyLimitBytes / 1024);
      refuse(request, reply, 'payload_too_large', `The request body is larger than ${kib} KiB`);
      return;
    }
    const field =
      findUnstorableText(request.params, 'path') ?? findUnstorableText(request.query, 'query');
    if (field) {
      const message = `${field} ${UNSTORABLE_TEXT}`;
      refuse(request, reply, 'validation_failed', message, [{ field, message }]);
      return;
    }
    if (request.is404) {
      const allowed = routes.allowedOn(pathOf(request.url));
      if (allowed.length > 0) {
        const allow = allowed.join(', ');
        void reply.header('allow', allow);
        const detail = `${request.method} is not allowed on this path; it answers ${allow}`;
        refuse(request, reply, 'method_not_allowed', detail);
        return;
      }
    }
    done();
  });
}

function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ProblemCode,
  detail: string,
  errors?: readonly FieldError[],
): void {
  const body = problemDocument(code, detail, String(request.id), { errors });
  void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function hasOneHost(request: FastifyRequest): boolean {
  const raw = request.raw.rawHeaders;
  let hosts = 0;
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]?.toLowerCase() === 'host') {
      hosts++;
    }
  }
  return hosts === 1 || (hosts === 0 && request.raw.httpVersion !== '1.1');
}
