export { CredentialAccess } from './credential-access.service';
export { CredentialsModule } from './credentials.module';
export { UPSTREAM_REVOKER, type UpstreamRevoker } from './upstream-revoker';
