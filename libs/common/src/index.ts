export { isDatabaseUnavailable } from './errors/database-unavailable';
export { isDataException } from './errors/data-exception';
export { type FieldError, KeyhouseError, type KeyhouseErrorOptions } from './errors/keyhouse-error';
export { codeForStatus, type ProblemCode, statusOf } from './errors/problem-code';
export { ProblemDetailsFilter } from './errors/problem-details.filter';
export { sendProblem } from './errors/problem-reply';
export {
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  problemDocument,
} from './errors/problem-document';
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
export { DIRECT_ROUTE, DirectRoute } from './http/direct-route.decorator';
export { IS_PUBLIC, Public } from './http/public.decorator';
export { closeGracefully, GRACEFUL_HTTP_OPTIONS } from './process/graceful-http';
export { onShutdownSignal, type ShutdownOptions } from './process/shutdown';
export { StartedResources } from './process/started-resources';
export {
  callerOfRequest,
  CurrentCaller,
  REQUIRED_PROVIDER,
  REQUIRED_SCOPE,
  type RequestWithCaller,
  RequireProvider,
  RequireScope,
} from './access/access.decorators';
export { type Caller, mayUseProvider } from './access/caller';
export {
  ALL_PROVIDERS,
  DEVELOPMENT_MAX_LIFETIME_SECONDS,
  DEVELOPMENT_ROLES,
  ROLES,
  type Role,
  roleWithin,
  SCOPES,
  type Scope,
} from './access/scopes';
export { EXTERNAL_ID_PATTERN, ExternalIdPipe } from './http/external-id.pipe';
export { hardenedServerOptions, hardenHttp, type HttpHardeningOptions } from './http/harden-http';
export { API_CONTENT_SECURITY_POLICY, DOCS_CONTENT_SECURITY_POLICY } from './http/security-headers';
export { MAX_BODY_DEPTH } from './validation/json-body';
export { DecimalInteger } from './validation/decimal-integer';
export { storableJson } from './validation/storable-json';
export { findUnstorableText } from './validation/unstorable-text';
