import { isURL } from 'class-validator';
import type { ProviderSettings, ProvidersConfig } from './keyhouse-config';
import { Secret } from './secret';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * One provider's environment variables, as its definition declares them. The configuration
 * reads, checks and reports them without knowing any provider by name.
 */
export interface ProviderVariables {
  /** The provider's name ('tpa-stream'): its key in `config.providers`. */
  readonly provider: string;
  /** The upstream's URL, and the URL used while the variable is unset. */
  readonly baseUrl: { readonly name: string; readonly defaultValue: string };
  /** Every credential the provider needs: it is configured when all of them are set. */
  readonly credentials: readonly CredentialVariable[];
}

export interface CredentialVariable {
  readonly name: string;
  /**
   * A stricter check than the default (a string of at most 512 characters), with the
   * message a miss gives; a PEM key, longer than that, declares its shape here instead.
   */
  readonly format?: { readonly pattern: RegExp; readonly message: string };
}

const MAX_CREDENTIAL_CHARS = 512;
const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

export function providerVariableNames(variables: ProviderVariables): readonly string[] {
  return [variables.baseUrl.name, ...variables.credentials.map((credential) => credential.name)];
}

/** A definition mistake (a name used twice) stops the process before anything reads it. */
export function assertDistinct(providers: readonly ProviderVariables[]): void {
  const seen = new Set<string>();
  for (const name of providers.flatMap((provider) => [
    `provider ${provider.provider}`,
    ...providerVariableNames(provider),
  ])) {
    if (seen.has(name)) {
      throw new Error(`provider variables: ${name} is declared twice`);
    }
    seen.add(name);
  }
}

/** Every bad provider variable, by name and never by value (most of them are secrets). */
export function providerVariableProblems(
  environment: Environment,
  providers: readonly ProviderVariables[],
): string[] {
  const problems: string[] = [];
  for (const { baseUrl, credentials } of providers) {
    const url = valueOf(environment, baseUrl.name);
    if (url !== undefined && !isURL(url, URL_OPTIONS)) {
      problems.push(`${baseUrl.name} must be a URL address`);
    }
    for (const { name, format } of credentials) {
      const value = valueOf(environment, name);
      if (value === undefined) {
        continue;
      }
      if (format && !format.pattern.test(value)) {
        problems.push(format.message);
      } else if (!format && value.length > MAX_CREDENTIAL_CHARS) {
        problems.push(
          `${name} must be shorter than or equal to ${MAX_CREDENTIAL_CHARS} characters`,
        );
      }
    }
  }
  return problems;
}

/** Each provider's settings, keyed by provider name; call after the problems came back empty. */
export function readProviders(
  environment: Environment,
  providers: readonly ProviderVariables[],
): ProvidersConfig {
  const entries = providers.map((variables): [string, ProviderSettings] => {
    const credentials: Record<string, Secret> = {};
    for (const { name } of variables.credentials) {
      const value = valueOf(environment, name);
      if (value !== undefined) {
        credentials[name] = new Secret(value);
      }
    }
    const baseUrl = valueOf(environment, variables.baseUrl.name) ?? variables.baseUrl.defaultValue;
    return [
      variables.provider,
      {
        baseUrl: baseUrl.replace(/\/+$/, ''),
        credentials,
        configured: variables.credentials.every(({ name }) => credentials[name] !== undefined),
        variables,
      },
    ];
  });
  return Object.fromEntries(entries);
}

/**
 * Providers set up by halves (an id without its secret, a base URL without keys): almost
 * always a typo or a secret that did not reach the container. Start-up warns, naming the
 * variables that are set and those that are missing, never a value.
 */
export function halfConfiguredProviders(
  environment: Environment,
  providers: readonly ProviderVariables[],
): string[] {
  const isSet = (name: string) => (environment[name] ?? '').trim() !== '';
  const warnings: string[] = [];
  for (const variables of providers) {
    const present = providerVariableNames(variables).filter(isSet);
    const missing = variables.credentials.map(({ name }) => name).filter((name) => !isSet(name));
    if (present.length > 0 && missing.length > 0) {
      warnings.push(
        `${present.join(', ')} ${present.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not: the provider is only half configured`,
      );
    }
  }
  return warnings;
}

/** An empty variable counts as unset, as it does for every other variable. */
function valueOf(environment: Environment, name: string): string | undefined {
  const value = environment[name];
  return value === undefined || value === '' ? undefined : value;
}
