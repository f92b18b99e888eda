import { HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from './database-unavailable';
import { type FieldError, KeyhouseError } from './keyhouse-error';
import { codeForStatus, type ProblemCode, statusOf } from './problem-code';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemDocument } from './problem-document';

interface ResolvedProblem {
  readonly code: ProblemCode;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
}

const logger = new Logger('Errors');

/**
 * The one place errors become HTTP answers: RFC 9457 problem+json with the contract's codes
 * (docs/api.md, Errors), for Nest's exception filter and for the routes Fastify serves
 * directly alike. Unknown errors become a 500 whose detail only names the request id; the
 * stack and any database message go to the log, never to the caller.
 */
export function sendProblem(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const problem = resolve(exception, request);
  const body: ProblemDetails = problemDocument(problem.code, problem.detail, String(request.id), {
    errors: problem.errors,
  });
  if (problem.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
  }
  void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

function resolve(exception: unknown, request: FastifyRequest): ResolvedProblem {
  if (exception instanceof KeyhouseError) {
    if (exception.incident) {
      logger.error(
        { incident: exception.incident, code: exception.problemCode },
        exception.message,
      );
    }
    return {
      code: exception.problemCode,
      detail: exception.message,
      errors: exception.errors,
      retryAfterSeconds: exception.retryAfterSeconds,
    };
  }
  if (exception instanceof HttpException) {
    return fromHttpException(exception, request);
  }
  if (isDatabaseUnavailable(exception)) {
    logger.warn({ err: exception }, 'database unavailable');
    return {
      code: 'unavailable',
      detail: 'The database is unavailable; retry shortly',
      retryAfterSeconds: 1,
    };
  }
  logger.error({ err: exception }, 'unhandled error');
  return {
    code: 'internal_error',
    detail: `Unexpected error; quote request id ${String(request.id)}`,
  };
}

/** Framework and Fastify errors (404 route, 413 body, 415 type, bad JSON, throttling, health). */
function fromHttpException(exception: HttpException, request: FastifyRequest): ResolvedProblem {
  const status = exception.getStatus();
  const code = codeForStatus(status);
  switch (code) {
    case 'not_found':
      return { code, detail: `No route for ${request.method} ${request.url.split('?')[0]}` };
    case 'payload_too_large':
      return { code, detail: 'The request body is larger than 64 KiB' };
    case 'unsupported_media_type':
      return { code, detail: 'Send JSON with Content-Type: application/json' };
    case 'rate_limited':
      return { code, detail: 'Too many requests; slow down', retryAfterSeconds: 1 };
    case 'unavailable':
      return { code, detail: 'A dependency is unavailable; retry shortly', retryAfterSeconds: 1 };
    case 'internal_error':
      logger.error({ err: exception }, 'unhandled http exception');
      return { code, detail: `Unexpected error; quote request id ${String(request.id)}` };
    case 'validation_failed':
      // Never echo the framework's message: JSON.parse quotes the input, which may hold a token.
      return {
        code,
        detail: /json/i.test(exception.message)
          ? 'The request body is not valid JSON'
          : 'The request is not valid',
      };
    case 'unauthenticated':
    case 'forbidden':
    case 'method_not_allowed':
    case 'conflict':
    case 'needs_reauth':
    case 'upstream_error':
    case 'upstream_unavailable':
    case 'provider_not_configured':
      return { code, detail: statusOf(code).title };
  }
}
