import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * Nest's logger, from boot on: the same JSON lines from the root logger, so even a failed
 * start (a missing vault key) logs as JSON, not as colour text; a line logged while a
 * request is handled carries its id (the root logger's mixin). It keeps nestjs-pino's
 * calling contract: the last argument is the context, an object
 * first argument is merged into the line, the next string is the message.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    const context = rest.length > 0 ? rest[rest.length - 1] : undefined;
    const params = rest.slice(0, -1);
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message }, typeof params[0] === 'string' ? params[0] : '');
    } else {
      this.logger[level](
        { context, ...(params.length > 0 ? { details: params } : {}) },
        String(message),
      );
    }
  }
}
