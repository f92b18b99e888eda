import type { FakeOptions } from '../common/fake-http';
import type { AnswerStyle } from './mesh-connections';

/** The sandbox's one-time code for brokers that ask for MFA. */
export const MESH_SANDBOX_MFA_CODE = '123456';

/** Display names of the brokers the sandbox Link page knows. */
export const BROKER_NAMES: Readonly<Record<string, string>> = {
  robinhood: 'Robinhood',
  vanguard: 'Vanguard',
  weBull: 'Webull',
  alpaca: 'Alpaca',
  coinbase: 'Coinbase',
};
export const LOGO =
  'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=';

export interface FakeMeshOptions extends FakeOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Brokers whose refresh tokens survive a refresh (Mesh returns none unless asked). */
  readonly reusableRefreshTokenBrokers?: readonly string[];
  /** Default `expiresInSeconds` of connected accounts. */
  readonly accessTokenLifetimeSeconds?: number;
  /** Default `refreshTokenExpiresInSeconds`; omitted, refresh tokens do not expire. */
  readonly refreshTokenLifetimeSeconds?: number;
  /** Brokers whose first refresh answers `mfaRequired` (default: vanguard). */
  readonly mfaBrokers?: readonly string[];
  /** The one-time code the second refresh must carry (default MESH_SANDBOX_MFA_CODE). */
  readonly mfaCode?: string;
  /** Brokers whose refresh answers carry only the deprecated top-level fields (default: alpaca). */
  readonly deprecatedAnswerBrokers?: readonly string[];
}

export interface ConnectAccountOptions {
  readonly userId?: string;
  /** A link token from POST /linktoken: it must be live, and is used up. */
  readonly linkToken?: string;
  readonly brokerType?: string;
  readonly brokerName?: string;
  readonly accounts?: number;
  /** null leaves the field out (a token that does not expire). */
  readonly expiresInSeconds?: number | null;
  readonly refreshTokenExpiresInSeconds?: number | null;
  /** Lifetime of the access tokens later refreshes hand out (default: `expiresInSeconds`). */
  readonly refreshedExpiresInSeconds?: number;
  readonly withRefreshToken?: boolean;
  /** The first refresh answers `mfaRequired` (default: the broker is an MFA broker). */
  readonly needsMfa?: boolean;
  /** Where refresh answers carry the tokens (default: deprecated for deprecatedAnswerBrokers). */
  readonly answers?: AnswerStyle;
}

/** The per-call value, else the default; null means "leave it out". */
export function pick(
  value: number | null | undefined,
  fallback: number | undefined,
): number | undefined {
  return value === null ? undefined : (value ?? fallback);
}

export function brokerNameOf(brokerType: string): string {
  return BROKER_NAMES[brokerType] ?? brokerType;
}
