import { KeyhouseError, type ProblemCode } from '@keyhouse/common';

export enum AuthErrorCode {
  MissingKey = 'missing_key',
  UnknownKey = 'unknown_key',
  MissingScope = 'missing_scope',
  ProviderNotAllowed = 'provider_not_allowed',
  RoleNotAllowed = 'role_not_allowed',
  /** Development keys: tokens of at most an hour, VIEWER and GUEST roles only. */
  DevelopmentLimit = 'development_limit',
  RouteWithoutScope = 'route_without_scope',
}

export class AuthError extends KeyhouseError {
  readonly problemCode: ProblemCode;

  constructor(
    readonly reason: AuthErrorCode,
    detail: string,
  ) {
    super(detail);
    this.problemCode = problemCodeOf(reason);
  }
}

function problemCodeOf(reason: AuthErrorCode): ProblemCode {
  switch (reason) {
    case AuthErrorCode.MissingKey:
    case AuthErrorCode.UnknownKey:
      return 'unauthenticated';
    case AuthErrorCode.MissingScope:
    case AuthErrorCode.ProviderNotAllowed:
    case AuthErrorCode.RoleNotAllowed:
    case AuthErrorCode.DevelopmentLimit:
    case AuthErrorCode.RouteWithoutScope:
      return 'forbidden';
  }
}
