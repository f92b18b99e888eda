import { type FieldError, KeyhouseError } from './keyhouse-error';
import type { ProblemCode } from './problem-code';
import { UNSTORABLE_TEXT } from '../validation/unstorable-text';

export enum RequestErrorCode {
  InvalidInput = 'invalid_input',
  NotFound = 'not_found',
  Conflict = 'conflict',
}

/** Errors about the request itself that any lib may raise: bad input, missing or busy resource. */
export class RequestError extends KeyhouseError {
  readonly problemCode: ProblemCode;

  constructor(
    readonly reason: RequestErrorCode,
    detail: string,
    errors?: readonly FieldError[],
  ) {
    super(detail, { errors });
    this.problemCode = problemCodeOf(reason);
  }

  static invalid(errors: readonly FieldError[]): RequestError {
    const detail = errors.map((error) => `${error.field}: ${error.message}`).join('; ');
    return new RequestError(RequestErrorCode.InvalidInput, detail, errors);
  }

  /** Postgres text cannot hold NUL; such input is refused wherever it arrives. */
  static unstorableText(field: string): RequestError {
    return RequestError.invalid([{ field, message: `${field} ${UNSTORABLE_TEXT}` }]);
  }

  static notFound(what: string): RequestError {
    return new RequestError(RequestErrorCode.NotFound, `${what} was not found`);
  }

  static conflict(detail: string): RequestError {
    return new RequestError(RequestErrorCode.Conflict, detail);
  }
}

function problemCodeOf(reason: RequestErrorCode): ProblemCode {
  switch (reason) {
    case RequestErrorCode.InvalidInput:
      return 'validation_failed';
    case RequestErrorCode.NotFound:
      return 'not_found';
    case RequestErrorCode.Conflict:
      return 'conflict';
  }
}
