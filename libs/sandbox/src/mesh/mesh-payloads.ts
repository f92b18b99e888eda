/** The shapes Mesh hands out: its Link SDK's types and its OpenAPI's answers. */

export interface MeshAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly fund?: number;
  readonly cash?: number;
  readonly isReconnected?: boolean;
}

export interface MeshAccountToken {
  readonly account: MeshAccount;
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly tokenId?: string;
}

export interface MeshBrokerBrandInfo {
  readonly brokerLogo: string;
  readonly brokerPrimaryColor?: string;
}

/** The SDK's `AccessTokenPayload`: the accounts and their tokens. */
export interface IntegrationConnectedPayload {
  readonly accountTokens: readonly MeshAccountToken[];
  readonly brokerBrandInfo: MeshBrokerBrandInfo;
  readonly expiresInSeconds?: number;
  readonly refreshTokenExpiresInSeconds?: number;
  readonly brokerType: string;
  readonly brokerName: string;
}

/** The SDK's `DelayedAuthPayload`: a refresh token only; its first refresh names the accounts. */
export interface DelayedAuthPayload {
  readonly refreshTokenExpiresInSeconds?: number;
  readonly brokerType: string;
  readonly refreshToken: string;
  readonly brokerName: string;
  readonly brokerBrandInfo: MeshBrokerBrandInfo;
}

/** What `onIntegrationConnected` hands the page: one of the two. */
export type LinkPayload =
  | { readonly accessToken: IntegrationConnectedPayload }
  | { readonly delayedAuth: DelayedAuthPayload };

export interface MeshBrokerAccountToken {
  readonly account?: MeshAccount;
  readonly accessToken: string;
  readonly refreshToken?: string;
}

/** `content` of a /token/refresh answer (B2BBrokerRefreshTokenResponse). */
export type MeshRefreshContent =
  | {
      readonly status: 'succeeded';
      readonly expiresInSeconds?: number;
      readonly refreshTokenExpiresInSeconds?: number;
      readonly brokerAccountTokens?: readonly MeshBrokerAccountToken[];
      /** Deprecated top-level fields that older answers carry instead (or as well). */
      readonly accessToken?: string;
      readonly refreshToken?: string;
      readonly account?: MeshAccount;
    }
  | {
      readonly status: 'mfaRequired';
      readonly errorMessage?: string;
      /** The interim access token the second call must carry with the code. */
      readonly brokerAccountTokens: readonly MeshBrokerAccountToken[];
    }
  | { readonly status: 'failed'; readonly errorMessage: string };
