/** The shapes Mesh hands out, as PROTOCOLS.md gives them. */

export interface MeshAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly fund: number;
  readonly cash: number;
  readonly isReconnected: boolean;
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

/** What Mesh Link's `onIntegrationConnected` gives the page (as `accessToken`). */
export interface IntegrationConnectedPayload {
  readonly accountTokens: readonly MeshAccountToken[];
  readonly brokerType: string;
  readonly brokerName: string;
  readonly brokerBrandInfo: MeshBrokerBrandInfo;
  readonly expiresInSeconds?: number;
  readonly refreshTokenExpiresInSeconds?: number;
}

export interface MeshBrokerAccountToken {
  readonly account: MeshAccount;
  readonly accessToken: string;
  readonly refreshToken?: string;
}

/** `content` of a /token/refresh answer. */
export type MeshRefreshContent =
  | {
      readonly status: 'succeeded';
      readonly expiresInSeconds?: number;
      readonly refreshTokenExpiresInSeconds?: number;
      readonly brokerAccountTokens: readonly MeshBrokerAccountToken[];
    }
  | { readonly status: 'failed'; readonly errorMessage: string };
