export { CredentialAccess } from './credential-access.service';
export { CredentialsModule } from './credentials.module';
export {
  AdminCredentialPageResponse,
  AdminCredentialResponse,
} from './dto/admin-credential.response';
export { CredentialResponse } from './dto/credential.response';
