import type { Role, Scope } from './scopes';

/** The authenticated API client behind a request; what guards and services decide on. */
export interface Caller {
  readonly clientId: string;
  readonly name: string;
  readonly team: string;
  readonly scopes: readonly Scope[];
  readonly providers: readonly string[];
  readonly maxRole: Role | null;
  readonly development: boolean;
}

export function mayUseProvider(caller: Caller, provider: string): boolean {
  return caller.providers.includes('*') || caller.providers.includes(provider);
}
