export { ApiClientEntity } from './api-client.entity';
export {
  type ApiClientView,
  type ApiClientWithKey,
  ApiClientsService,
} from './api-clients.service';
export { displayPrefix, generateApiKey, hashApiKey } from './api-key';
export { CurrentCaller, RequireProvider, RequireScope } from './auth.decorators';
export { AuthError, AuthErrorCode } from './auth.errors';
export { AuthModule } from './auth.module';
export { BootstrapAdminService } from './bootstrap-admin.service';
export { type Caller, mayUseProvider } from './caller';
export {
  ALL_PROVIDERS,
  DEVELOPMENT_MAX_LIFETIME_SECONDS,
  DEVELOPMENT_ROLES,
  ROLES,
  type Role,
  roleWithin,
  SCOPES,
  type Scope,
} from './scopes';
