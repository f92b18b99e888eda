/** What GET /admin/integrations answers per integration: secret names, never their values. */
export interface AdminIntegration {
  readonly id: string;
  readonly provider: string;
  readonly name: string;
  readonly teams: string[];
  readonly settings: Record<string, string>;
  readonly secretFields: string[];
  readonly secretsUpdatedAt: string | null;
  readonly userIds: 'derived' | 'verbatim';
  readonly readOnly: boolean;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

export interface ProviderField {
  readonly name: string;
  readonly kind: 'url' | 'text';
  readonly optional: boolean;
  readonly defaultValue: string | null;
  readonly description: string;
}

/** What GET /admin/integrations/providers answers per provider: the fields a form asks for. */
export interface IntegrationProvider {
  readonly provider: string;
  readonly settings: ProviderField[];
  readonly secrets: ProviderField[];
  readonly upstreamUserIds: 'chosen' | 'provider-owned';
}

export type CheckResult =
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly detail: string };
