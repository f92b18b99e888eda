import { KeyhouseError, type ProblemCode } from '@keyhouse/common';

export enum WebhookErrorCode {
  EndpointNotFound = 'webhook_not_found',
  /** The URL is not one deliveries may go to (scheme, address, credentials in it). */
  UrlRefused = 'url_refused',
}

export class WebhookError extends KeyhouseError {
  readonly problemCode: ProblemCode;

  constructor(
    readonly reason: WebhookErrorCode,
    detail: string,
  ) {
    super(
      detail,
      reason === WebhookErrorCode.UrlRefused ? { errors: [{ field: 'url', message: detail }] } : {},
    );
    this.problemCode = problemCodeOf(reason);
  }
}

function problemCodeOf(reason: WebhookErrorCode): ProblemCode {
  switch (reason) {
    case WebhookErrorCode.EndpointNotFound:
      return 'not_found';
    case WebhookErrorCode.UrlRefused:
      return 'validation_failed';
  }
}
