import createFetchClient, { type Client } from 'openapi-fetch';
import { KeyhouseProblemError } from './problem';
import { retryingFetch, type RetryOptions } from './retry';
import type { components, paths } from './schema';
import { verifyWebhook } from './webhooks';

type Schemas = components['schemas'];

export interface KeyhouseClientOptions {
  /** Where Keyhouse listens, e.g. `https://keyhouse.internal`. */
  readonly baseUrl: string;
  /** An API key (kh_live_...). Keep it on the server. */
  readonly apiKey: string;
  readonly retry?: RetryOptions;
  /** Defaults to the global fetch. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** What openapi-fetch resolves to, narrowed to what `unwrap` needs. */
interface FetchResult<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/** The success body of a typed call, or a KeyhouseProblemError for anything else. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    throw KeyhouseProblemError.fromResponse(response, error);
  }
  return data as T;
}

/** The `[token, baseUrl]` MyDataHelps' `setParticipantAccessToken` is called with. */
export type ParticipantAccessTokenArgs = [
  { access_token: string; expires_in: number; token_type: string },
  string,
];

export type KeyhouseClient = ReturnType<typeof createKeyhouseClient>;

/**
 * A typed client: `api` is every route of the OpenAPI document (openapi-fetch), and the
 * groups below wrap the common ones, throwing KeyhouseProblemError on any error answer.
 */
export function createKeyhouseClient(options: KeyhouseClientOptions) {
  const api: Client<paths> = createFetchClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: retryingFetch(options.fetch ?? ((request) => fetch(request)), options.retry),
  });

  const streamChat = {
    token: (userId: string, expiresInSeconds?: number) =>
      unwrap(api.POST('/v1/stream-chat/tokens', { body: { userId, expiresInSeconds } })),
    /** For `connectUser(user, tokenProvider)`: a fresh token on each call. */
    tokenProvider:
      (userId: string, expiresInSeconds?: number): (() => Promise<string>) =>
      async () =>
        (await streamChat.token(userId, expiresInSeconds)).token,
    revoke: (userId: string, before?: string) =>
      unwrap(api.POST('/v1/stream-chat/revocations', { body: { userId, before } })),
  };

  const tpaStream = {
    connectToken: (userId: string) =>
      unwrap(api.POST('/v1/tpa-stream/connect-tokens', { body: { userId } })),
    /** What the backend route behind the SDK's `connectAccessTokenRefreshFn` calls. */
    connectAccessTokenRefreshFn:
      (userId: string): (() => Promise<string>) =>
      async () =>
        (await tpaStream.connectToken(userId)).connectAccessToken,
  };

  const myDataHelps = {
    participantToken: (participantId: string) =>
      unwrap(api.POST('/v1/mydatahelps/participant-tokens', { body: { participantId } })),
    /**
     * The arguments of the browser SDK's `setParticipantAccessToken`. Keyhouse names the
     * MyDataHelps origin (`baseUrl`) of the integration; `fallbackBaseUrl` is used only with a
     * gateway too old to say.
     */
    async participantAccessTokenArgs(
      participantId: string,
      fallbackBaseUrl = 'https://mydatahelps.org/',
    ): Promise<ParticipantAccessTokenArgs> {
      const answer: Schemas['ParticipantTokenResponse'] & {
        sdkToken?: ParticipantAccessTokenArgs[0];
        baseUrl?: string;
      } = await myDataHelps.participantToken(participantId);
      const sdkToken = answer.sdkToken ?? {
        access_token: answer.accessToken,
        expires_in: answer.expiresIn,
        token_type: answer.tokenType,
      };
      return [sdkToken, answer.baseUrl ?? fallbackBaseUrl];
    },
  };

  const mesh = {
    linkToken: (body: Schemas['CreateLinkTokenDto']) =>
      unwrap(api.POST('/v1/mesh/link-tokens', { body })),
    storeConnections: (userId: string, payload: Record<string, unknown>) =>
      unwrap(api.POST('/v1/mesh/connections', { body: { userId, payload } })),
    connections: (userId: string) =>
      unwrap(api.GET('/v1/mesh/connections', { params: { query: { userId } } })),
    /** Mesh Link's `accessTokens` option for a user: their active connections only. */
    accessTokens: async (userId: string) => (await mesh.connections(userId)).accessTokens,
  };

  const apiStream = {
    accessToken: (body: Schemas['CreateApiStreamAccessTokenDto']) =>
      unwrap(api.POST('/v1/api-stream/access-tokens', { body })),
  };

  type CredentialQuery = NonNullable<paths['/v1/credentials']['get']['parameters']['query']>;
  const credentials = {
    list: (query: CredentialQuery = {}) =>
      unwrap(api.GET('/v1/credentials', { params: { query } })),
    get: (id: string) => unwrap(api.GET('/v1/credentials/{id}', { params: { path: { id } } })),
    token: (id: string) =>
      unwrap(api.GET('/v1/credentials/{id}/token', { params: { path: { id } } })),
    delete: (id: string) =>
      unwrap(api.DELETE('/v1/credentials/{id}', { params: { path: { id } } })),
  };

  const users = {
    /** Revokes and erases every credential of one of your team's users. */
    delete: (userId: string) =>
      unwrap(api.DELETE('/v1/users/{userId}', { params: { path: { userId } } })),
  };

  const admin = {
    clients: {
      create: (body: Schemas['CreateApiClientDto']) => unwrap(api.POST('/admin/clients', { body })),
      list: (query: { limit?: number; cursor?: string } = {}) =>
        unwrap(api.GET('/admin/clients', { params: { query } })),
      get: (id: string) => unwrap(api.GET('/admin/clients/{id}', { params: { path: { id } } })),
      rotate: (id: string) =>
        unwrap(api.POST('/admin/clients/{id}/rotate', { params: { path: { id } } })),
      delete: (id: string) =>
        unwrap(api.DELETE('/admin/clients/{id}', { params: { path: { id } } })),
    },
    credentials: {
      get: (id: string) => unwrap(api.GET('/admin/credentials/{id}', { params: { path: { id } } })),
      refresh: (id: string) =>
        unwrap(api.POST('/admin/credentials/{id}/refresh', { params: { path: { id } } })),
    },
    refreshStatus: () => unwrap(api.GET('/admin/refresh/status')),
    vaultKeys: () => unwrap(api.GET('/admin/vault/keys')),
  };

  const webhooks = { verify: verifyWebhook };

  return {
    api,
    streamChat,
    tpaStream,
    myDataHelps,
    mesh,
    apiStream,
    credentials,
    users,
    admin,
    webhooks,
  };
}
