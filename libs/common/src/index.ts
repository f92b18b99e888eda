export { isDatabaseUnavailable } from './errors/database-unavailable';
export { type FieldError, KeyhouseError, type KeyhouseErrorOptions } from './errors/keyhouse-error';
export { codeForStatus, type ProblemCode, statusOf } from './errors/problem-code';
export {
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  ProblemDetailsFilter,
} from './errors/problem-details.filter';
export { RequestError, RequestErrorCode } from './errors/request.errors';
export { UuidParamPipe } from './http/uuid-param.pipe';
export {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  type Page,
  type PagePosition,
  PageQuery,
  toPage,
} from './pagination/page';
export { StrictValidationPipe } from './validation/validation.pipe';
export { IS_PUBLIC, Public } from './http/public.decorator';
export { onShutdownSignal } from './process/shutdown';
