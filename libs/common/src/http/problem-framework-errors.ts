import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ProblemCode } from '../errors/problem-code';
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../errors/problem-document';
import { rawSecurityHeaders } from './security-headers';

/**
 * Errors raised below Nest, each answered in the API's problem+json shape instead of
 * Node's or Fastify's own bodies (or no answer at all):
 * - Fastify's router (`frameworkErrors`): malformed percent-escapes, over-long parameters;
 * - Node's HTTP parser (`clientError`): garbage, bad framing, a lower-case method, a head
 *   over the size limit (431), a request that does not arrive in time (408);
 * - `Expect` other than 100-continue (417) and CONNECT, which Node hands to listeners that
 *   Keyhouse does not otherwise have (without one, CONNECT is dropped unanswered).
 */
export interface RawProblemOptions {
  readonly production: boolean;
  /** Honours the caller's X-Request-Id where there is a request to read it from. */
  readonly requestIdOf: (request: IncomingMessage) => string;
}

/** For Fastify's `frameworkErrors` option. */
export function frameworkErrorAnswer(
  options: Pick<RawProblemOptions, 'production'>,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => answerFrameworkError(error, request, reply, options.production);
}

function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  production: boolean,
): void {
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment is longer than 512 characters'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'The URL holds a malformed percent-escape'
        : 'The request is not valid';
  // Fastify runs no onSend hook of the app for these replies: the headers are set here.
  void reply
    .status(400)
    .headers(rawSecurityHeaders(production))
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(problemDocument('validation_failed', detail, String(request.id)));
}

/** For Fastify's `clientErrorHandler`: the socket has no request object, so write bytes. */
export function problemClientErrorHandler(
  options: Pick<RawProblemOptions, 'production'>,
): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, detail] = describeClientError(error.code);
    const answer = (): void =>
      writeRawProblem(
        socket,
        options.production,
        status,
        'validation_failed',
        detail,
        randomUUID(),
      );
    // Garbage pipelined behind a valid request: that request's answer goes first, as HTTP
    // orders answers; written now, the problem would land in front of (or inside) it.
    // Node keeps the answer in progress on the socket (its own clientError check reads it).
    const inProgress = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (inProgress && !inProgress.writableFinished) {
      inProgress.once('finish', answer);
      return;
    }
    answer();
  };
}

/** Listeners for the two requests Node answers itself unless told otherwise. */
export function answerExpectationAndConnect(server: Server, options: RawProblemOptions): void {
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const requestId = options.requestIdOf(request);
    const body = JSON.stringify(
      problemDocument('validation_failed', 'Only Expect: 100-continue is supported', requestId, {
        status: 417,
      }),
    );
    response.writeHead(417, {
      ...rawSecurityHeaders(options.production),
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      'x-request-id': requestId,
    });
    response.end(body);
  });
  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    writeRawProblem(
      socket,
      options.production,
      405,
      'method_not_allowed',
      'CONNECT is not supported: Keyhouse is not a proxy',
      options.requestIdOf(request),
      { allow: 'GET, HEAD, POST, DELETE' },
    );
  });
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request did not arrive in time'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are larger than the server accepts'],
  HPE_INVALID_METHOD: [400, 'The request method is not valid (methods are upper-case)'],
};

function describeClientError(code: string | undefined): [number, string] {
  return CLIENT_ERRORS[code ?? ''] ?? [400, 'The request is not valid HTTP'];
}

/** A whole answer, then the connection closes: the parser's state is unknown after an error. */
function writeRawProblem(
  socket: Duplex,
  production: boolean,
  status: number,
  code: ProblemCode,
  detail: string,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  const body = JSON.stringify(problemDocument(code, detail, requestId, { status }));
  const headers = {
    ...rawSecurityHeaders(production),
    ...extraHeaders,
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(body)),
    'x-request-id': requestId,
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n\r\n${body}`);
  // end() flushes then half-closes; a client that keeps its side open is cut off shortly.
  setTimeout(() => socket.destroy(), 1_000).unref();
}
