import { KeyhouseError, type ProblemCode } from '@keyhouse/common';

export enum RefreshErrorCode {
  /** A one-time code was sent for a credential whose refresh is not waiting for one. */
  NotAwaitingCode = 'not_awaiting_code',
  /** Another request is completing this credential's refresh right now. */
  CompletionInProgress = 'completion_in_progress',
  /** The upstream refused the one-time code; the credential still waits for a good one. */
  CodeRefused = 'code_refused',
}

export class RefreshError extends KeyhouseError {
  readonly problemCode: ProblemCode;

  constructor(
    readonly reason: RefreshErrorCode,
    detail: string,
  ) {
    super(detail);
    this.problemCode = problemCodeOf(reason);
  }
}

function problemCodeOf(reason: RefreshErrorCode): ProblemCode {
  switch (reason) {
    case RefreshErrorCode.NotAwaitingCode:
    case RefreshErrorCode.CompletionInProgress:
      return 'conflict';
    case RefreshErrorCode.CodeRefused:
      return 'needs_reauth';
  }
}
