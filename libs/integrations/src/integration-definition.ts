import type { CredentialVariable } from '@keyhouse/config';

/** One setting or secret of a provider app, as an admin writes it. */
export interface FieldSpec {
  readonly name: string;
  /** `url`: an absolute http(s) URL; `text`: any non-empty string. */
  readonly kind: 'url' | 'text';
  readonly optional?: boolean;
  /** Used when the field is absent (a settings default, such as the upstream's public URL). */
  readonly defaultValue?: string;
  readonly description: string;
}

/**
 * What Keyhouse must know about a provider to hold its apps as data: its fields, where the
 * environment keeps them, and whether Keyhouse chooses the user id the upstream sees.
 * Each provider folder declares one; the integrations lib only iterates over them.
 */
export interface IntegrationDefinition {
  readonly provider: string;
  readonly settings: readonly FieldSpec[];
  readonly secrets: readonly FieldSpec[];
  /**
   * The environment variables that make the read-only environment integration: the variable
   * of the URL setting (its default is that setting's `defaultValue`) and one variable per
   * credential field. Absent for a provider configured only through stored integrations.
   */
  readonly environment?: {
    readonly baseUrl: EnvironmentField;
    readonly credentials: readonly EnvironmentField[];
  };
  /**
   * `chosen`: Keyhouse picks the upstream user id (derived per team where shared);
   * `provider-owned`: the upstream owns it (a MyDataHelps participant id), sent as it is.
   */
  readonly upstreamUserIds: 'chosen' | 'provider-owned';
}

/** One field (a setting or a secret) and the environment variable that holds it. */
export interface EnvironmentField {
  readonly field: string;
  readonly variable: string;
  /** A stricter check of the variable than "at most 512 characters" (a PEM key's shape). */
  readonly format?: CredentialVariable['format'];
}

/** How the definitions reach the integrations module (see IntegrationsModule.forRoot). */
export const INTEGRATION_DEFINITIONS = Symbol('INTEGRATION_DEFINITIONS');
