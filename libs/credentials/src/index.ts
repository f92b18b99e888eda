export { CredentialAccess } from './credential-access.service';
export { CredentialsModule } from './credentials.module';
