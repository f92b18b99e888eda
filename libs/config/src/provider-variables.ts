import type { ProvidersConfig } from './keyhouse-config';

type Environment = Readonly<Record<string, string | undefined>>;

/** Each provider's variables: its base URL, then the credentials it needs, all of them. */
export const PROVIDER_VARIABLES: Record<
  keyof ProvidersConfig,
  { readonly baseUrl: string; readonly credentials: readonly string[] }
> = {
  tpaStream: {
    baseUrl: 'TPA_STREAM_BASE_URL',
    credentials: ['TPA_STREAM_ACCESS_KEY', 'TPA_STREAM_SECRET_KEY'],
  },
  streamChat: {
    baseUrl: 'STREAM_CHAT_BASE_URL',
    credentials: ['STREAM_CHAT_API_KEY', 'STREAM_CHAT_API_SECRET'],
  },
  myDataHelps: {
    baseUrl: 'MYDATAHELPS_TOKEN_URL',
    credentials: ['MYDATAHELPS_SERVICE_ACCOUNT', 'MYDATAHELPS_PRIVATE_KEY'],
  },
  mesh: { baseUrl: 'MESH_BASE_URL', credentials: ['MESH_CLIENT_ID', 'MESH_CLIENT_SECRET'] },
  apiStream: { baseUrl: 'API_STREAM_BASE_URL', credentials: ['API_STREAM_API_KEY'] },
};

export function providerVariableNames(provider: keyof ProvidersConfig): readonly string[] {
  const { baseUrl, credentials } = PROVIDER_VARIABLES[provider];
  return [baseUrl, ...credentials];
}

/**
 * Providers set up by halves (an id without its secret, a base URL without keys): almost
 * always a typo or a secret that did not reach the container. Start-up warns, naming the
 * variables that are set and those that are missing, never a value.
 */
export function halfConfiguredProviders(environment: Environment): string[] {
  const isSet = (name: string) => (environment[name] ?? '').trim() !== '';
  const warnings: string[] = [];
  for (const { baseUrl, credentials } of Object.values(PROVIDER_VARIABLES)) {
    const present = [baseUrl, ...credentials].filter(isSet);
    const missing = credentials.filter((name) => !isSet(name));
    if (present.length > 0 && missing.length > 0) {
      warnings.push(
        `${present.join(', ')} ${present.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not: the provider is only half configured`,
      );
    }
  }
  return warnings;
}
