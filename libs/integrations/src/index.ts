export { AdminIntegrationsController } from './admin-integrations.controller';
export { IntegrationCheckResponse } from './dto/integration.dto';
export { ALL_TEAMS, IntegrationEntity, USER_ID_MODES, type UserIdMode } from './integration.entity';
export {
  ENVIRONMENT_INTEGRATION,
  environmentIntegration,
  environmentIntegrationId,
  Integration,
} from './integration';
export { providerVariablesOf, variablesOfFields } from './definition-environment';
export {
  type EnvironmentField,
  type FieldSpec,
  INTEGRATION_DEFINITIONS,
  type IntegrationDefinition,
} from './integration-definition';
export { IntegrationDirectory } from './integration-directory.service';
export { INTEGRATIONS_CHANNEL } from './integration.repository';
export { type IntegrationView } from './integration.view';
export { IntegrationsModule, type IntegrationsModuleOptions } from './integrations.module';
export { IntegrationsService } from './integrations.service';
export { UpstreamIdentities } from './upstream-identities.service';
export { VaultHeldKeyEntity } from './vault-held-key.entity';
