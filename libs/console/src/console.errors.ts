import { KeyhouseError, type ProblemCode } from '@keyhouse/common';

export enum ConsoleErrorCode {
  NotSignedIn = 'not_signed_in',
  UnknownKey = 'unknown_key',
  NotAdminKey = 'not_admin_key',
  CsrfRejected = 'csrf_rejected',
  NotAnAdminRoute = 'not_an_admin_route',
  AssetNotFound = 'asset_not_found',
}

export class ConsoleError extends KeyhouseError {
  readonly problemCode: ProblemCode;

  constructor(
    readonly reason: ConsoleErrorCode,
    detail: string,
  ) {
    super(detail);
    this.problemCode = problemCodeOf(reason);
  }
}

function problemCodeOf(reason: ConsoleErrorCode): ProblemCode {
  switch (reason) {
    case ConsoleErrorCode.NotSignedIn:
    case ConsoleErrorCode.UnknownKey:
      return 'unauthenticated';
    case ConsoleErrorCode.NotAdminKey:
    case ConsoleErrorCode.CsrfRejected:
      return 'forbidden';
    case ConsoleErrorCode.NotAnAdminRoute:
    case ConsoleErrorCode.AssetNotFound:
      return 'not_found';
  }
}
