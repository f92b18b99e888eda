import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskSecrets, REDACT_PATHS, REDACTED } from './redaction';
import { requestFields } from './request-context';

export interface RootLoggerOptions {
  readonly level: string;
  /** Where lines go: stdout in the apps, a capturing stream in tests. */
  readonly destination?: DestinationStream;
  readonly name?: string;
}

/** The process's one pino instance; Nest, the request hooks and bootstrap code all log through it. */
export function createRootLogger(options: RootLoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: { streamWrite: maskSecrets },
      formatters: { level: (label) => ({ level: label }) },
      // The request being handled, if any, on every line (see request-logging.ts).
      mixin: requestFields,
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err, req: serializeRequest, res: serializeResponse },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** Only what operators need; headers (Authorization above all) are never serialised. */
export function serializeRequest(
  request: IncomingMessage & { id?: unknown },
): Record<string, unknown> {
  return { method: request.method, url: request.url };
}

export function serializeResponse(response: ServerResponse): Record<string, unknown> {
  return { statusCode: response.statusCode };
}
