/**
 * One name per route, for generated clients (`client.createClient(...)`), and the failures a
 * route has beyond what its shape implies (see problem-responses.ts). A test fails when a
 * route is missing here or two routes share a name, so a new route is named on purpose.
 * Routes of the contract that are not mounted yet are listed too: they are only used once
 * a controller serves them.
 */
export interface OperationEntry {
  readonly id: string;
  /** Statuses this route can also answer with, e.g. 424 when it presents a stored grant. */
  readonly alsoFails?: readonly number[];
}

const UPSTREAM = [424, 502, 503] as const;

export const OPERATIONS: Readonly<Record<string, OperationEntry>> = {
  'get /health/live': { id: 'getLiveness' },
  'get /health/ready': { id: 'getReadiness', alsoFails: [503] },

  'post /v1/tpa-stream/connect-tokens': { id: 'createTpaStreamConnectToken', alsoFails: [409] },
  'post /v1/stream-chat/tokens': { id: 'createStreamChatToken' },
  'post /v1/stream-chat/revocations': { id: 'revokeStreamChatTokens' },
  'post /v1/mydatahelps/participant-tokens': { id: 'createMyDataHelpsParticipantToken' },
  'post /v1/api-stream/access-tokens': { id: 'createApiStreamAccessToken' },
  'post /v1/mesh/link-tokens': { id: 'createMeshLinkToken' },
  'post /v1/mesh/connections': { id: 'storeMeshConnections' },
  'get /v1/mesh/connections': { id: 'listMeshConnections' },

  'get /v1/credentials': { id: 'listCredentials' },
  'get /v1/credentials/{id}': { id: 'getCredential' },
  'get /v1/credentials/{id}/token': { id: 'getCredentialToken', alsoFails: [409, ...UPSTREAM] },
  'post /v1/credentials/{id}/mfa': { id: 'submitCredentialMfaCode', alsoFails: [409, ...UPSTREAM] },
  'delete /v1/credentials/{id}': { id: 'deleteCredential' },
  'delete /v1/users/{userId}': { id: 'deleteUser' },

  'get /v1/events': { id: 'listEvents' },
  'post /v1/webhooks': { id: 'createWebhook' },
  'get /v1/webhooks': { id: 'listWebhooks' },
  'get /v1/webhooks/{id}': { id: 'getWebhook' },
  'patch /v1/webhooks/{id}': { id: 'updateWebhook' },
  'delete /v1/webhooks/{id}': { id: 'deleteWebhook' },
  'post /v1/webhooks/{id}/rotate-secret': { id: 'rotateWebhookSecret' },
  'post /v1/webhooks/{id}/test': { id: 'sendWebhookTest' },
  'get /v1/webhooks/{id}/deliveries': { id: 'listWebhookDeliveries' },

  'post /admin/clients': { id: 'createClient' },
  'get /admin/clients': { id: 'listClients' },
  'get /admin/clients/{id}': { id: 'getClient' },
  'post /admin/clients/{id}/rotate': { id: 'rotateClientKey' },
  'delete /admin/clients/{id}': { id: 'deleteClient' },
  'get /admin/credentials': { id: 'adminListCredentials' },
  'get /admin/credentials/{id}': { id: 'adminGetCredential' },
  'post /admin/credentials/{id}/refresh': {
    id: 'refreshCredential',
    alsoFails: [409, ...UPSTREAM],
  },
  'delete /admin/credentials/{id}': { id: 'adminDeleteCredential' },
  'get /admin/refresh/status': { id: 'getRefreshStatus' },
  'get /admin/refresh/history': { id: 'getRefreshHistory' },
  'get /admin/vault/keys': { id: 'getVaultKeys' },
  'post /admin/vault/rotate': { id: 'rotateVaultKeys' },
  'get /admin/audit': { id: 'listAuditEvents' },
  'get /admin/webhooks': { id: 'adminListWebhooks' },
  'post /admin/integrations': { id: 'createIntegration', alsoFails: [409] },
  'get /admin/integrations': { id: 'listIntegrations' },
  'get /admin/integrations/providers': { id: 'listIntegrationProviders' },
  'get /admin/integrations/{id}': { id: 'getIntegration' },
  'patch /admin/integrations/{id}': { id: 'updateIntegration', alsoFails: [409] },
  'delete /admin/integrations/{id}': { id: 'deleteIntegration', alsoFails: [409] },
  'post /admin/integrations/{id}/check': { id: 'checkIntegration' },
};

/**
 * The name of a route missing from OPERATIONS, so the document still builds: the handler
 * and controller names (`listAdminWebhooks`). The completeness test reports such routes.
 */
export function fallbackOperationId(controller: string, handler: string): string {
  return `${handler}${controller.replace(/Controller$/, '')}`;
}
