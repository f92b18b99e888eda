export { ApiClientEntity } from './api-client.entity';
export {
  type ApiClientView,
  type ApiClientWithKey,
  ApiClientsService,
} from './api-clients.service';
export { ApiKeyAuthenticator, type RouteAccess } from './api-key-authenticator';
export { displayPrefix, generateApiKey, hashApiKey } from './api-key';
export { AuthError, AuthErrorCode } from './auth.errors';
export { AuthModule } from './auth.module';
export { BootstrapAdminService } from './bootstrap-admin.service';
