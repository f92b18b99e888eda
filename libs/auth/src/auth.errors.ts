import { KeyhouseError, type KeyhouseErrorOptions, type ProblemCode } from '@keyhouse/common';

export enum AuthErrorCode {
  MissingKey = 'missing_key',
  UnknownKey = 'unknown_key',
  MissingScope = 'missing_scope',
  ProviderNotAllowed = 'provider_not_allowed',
  RoleNotAllowed = 'role_not_allowed',
  /** Development keys: tokens of at most an hour, VIEWER and GUEST roles only. */
  DevelopmentLimit = 'development_limit',
  RouteWithoutScope = 'route_without_scope',
  /** The client spent its requests for this minute. */
  RateLimited = 'rate_limited',
  /** The source address spent its failed authentications for this minute. */
  TooManyFailures = 'too_many_failures',
}

export class AuthError extends KeyhouseError {
  readonly problemCode: ProblemCode;

  constructor(
    readonly reason: AuthErrorCode,
    detail: string,
    options: Pick<KeyhouseErrorOptions, 'retryAfterSeconds'> = {},
  ) {
    super(detail, options);
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
    case AuthErrorCode.RateLimited:
    case AuthErrorCode.TooManyFailures:
      return 'rate_limited';
  }
}
