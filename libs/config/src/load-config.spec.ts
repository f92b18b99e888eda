import { inspect } from 'node:util';
import { ConfigurationError } from './config.errors';
import { loadConfig } from './load-config';
import type { ProviderVariables } from './provider-variables';
import { Secret } from './secret';

const NO_PROVIDERS: readonly ProviderVariables[] = [];

const KEY = `main:${Buffer.alloc(32, 7).toString('base64')}`;

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(NO_PROVIDERS, {});
    expect(config.http).toMatchObject({ port: 3000, host: '127.0.0.1', bodyLimitBytes: 65_536 });
    expect(config.refresh.enabled).toBe(true);
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toMatch(/\.data$/);
    expect(config.providers).toEqual({});
    expect(config.sandbox).toBe(true);
  });

  it('keeps events 30 days, and lets webhooks reach private networks only outside production', () => {
    expect(loadConfig(NO_PROVIDERS, {}).events.retentionDays).toBe(30);
    expect(loadConfig(NO_PROVIDERS, {}).webhooks.allowPrivateNetworks).toBe(true);
    const production = {
      NODE_ENV: 'production',
      VAULT_KEYS: KEY,
      DATABASE_URL: 'postgres://db/x',
    };
    expect(loadConfig(NO_PROVIDERS, production).webhooks.allowPrivateNetworks).toBe(false);
    expect(
      loadConfig(NO_PROVIDERS, { ...production, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).webhooks
        .allowPrivateNetworks,
    ).toBe(true);
    expect(loadConfig(NO_PROVIDERS, { EVENT_RETENTION_DAYS: '7' }).events.retentionDays).toBe(7);
    expect(() => loadConfig(NO_PROVIDERS, { EVENT_RETENTION_DAYS: '0' })).toThrow(
      /EVENT_RETENTION_DAYS/,
    );
  });

  it('reports every bad variable by name at once', () => {
    const attempt = () =>
      loadConfig(NO_PROVIDERS, { PORT: '70000', REFRESH_ENABLED: 'maybe', VAULT_KEYS: 'nope' });
    expect(attempt).toThrow(ConfigurationError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('REFRESH_ENABLED');
      expect(message).toContain('VAULT_KEYS');
    }
  });

  it('never echoes a secret value in its errors', () => {
    expect(() => loadConfig(NO_PROVIDERS, { BOOTSTRAP_ADMIN_KEY: 'hunter2-but-short' })).toThrow(
      /BOOTSTRAP_ADMIN_KEY/,
    );
    expect(() =>
      loadConfig(NO_PROVIDERS, { BOOTSTRAP_ADMIN_KEY: 'hunter2-but-short' }),
    ).not.toThrow(/hunter2/);
  });

  it('refuses production without keys or database, or with the sandbox', () => {
    expect(() => loadConfig(NO_PROVIDERS, { NODE_ENV: 'production' })).toThrow(
      /VAULT_KEYS[\s\S]*DATABASE_URL/,
    );
    expect(() =>
      loadConfig(NO_PROVIDERS, {
        NODE_ENV: 'production',
        VAULT_KEYS: KEY,
        DATABASE_URL: 'postgres://db/x',
        SANDBOX: 'true',
      }),
    ).toThrow(/SANDBOX/);
    const production = loadConfig(NO_PROVIDERS, {
      NODE_ENV: 'production',
      VAULT_KEYS: KEY,
      DATABASE_URL: 'postgres://db/x',
    });
    expect(production.sandbox).toBe(false);
  });

  it('accepts well-formed vault keys and booleans written either way', () => {
    const config = loadConfig(NO_PROVIDERS, {
      VAULT_KEYS: `${KEY},next:${Buffer.alloc(32, 9).toString('base64')}`,
      REFRESH_ENABLED: '0',
    });
    expect(config.vault.keys).toBeInstanceOf(Secret);
    expect(config.refresh.enabled).toBe(false);
  });

  it('refuses a refresh lease shorter than twice the upstream timeout', () => {
    expect(() =>
      loadConfig(NO_PROVIDERS, { REFRESH_LEASE_SECONDS: '10', UPSTREAM_TIMEOUT_MS: '6000' }),
    ).toThrow(/REFRESH_LEASE_SECONDS/);
    expect(
      loadConfig(NO_PROVIDERS, { REFRESH_LEASE_SECONDS: '12', UPSTREAM_TIMEOUT_MS: '6000' }).refresh
        .leaseSeconds,
    ).toBe(12);
  });

  it('refuses a refresh lease that cannot cover one upstream call plus the write margin', () => {
    expect(() =>
      loadConfig(NO_PROVIDERS, {
        REFRESH_LEASE_SECONDS: '12',
        UPSTREAM_TIMEOUT_MS: '6000',
        REFRESH_WRITE_MARGIN_MS: '6001',
      }),
    ).toThrow(/REFRESH_WRITE_MARGIN_MS/);
    expect(loadConfig(NO_PROVIDERS, {}).refresh.writeMarginMs).toBe(2_000);
  });

  it('reads the rate limits and the request timeout, with their defaults', () => {
    const defaults = loadConfig(NO_PROVIDERS, {});
    expect(defaults.rateLimit).toEqual({ perMinute: 6_000, authFailuresPerMinute: 30 });
    expect(defaults.http.requestTimeoutMs).toBe(30_000);
    const set = loadConfig(NO_PROVIDERS, {
      RATE_LIMIT_PER_MINUTE: '120',
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '5',
      HTTP_REQUEST_TIMEOUT_MS: '2000',
    });
    expect(set.rateLimit).toEqual({ perMinute: 120, authFailuresPerMinute: 5 });
    expect(set.http.requestTimeoutMs).toBe(2_000);
  });

  it.each([
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['RATE_LIMIT_PER_MINUTE', '0x10'],
    ['RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', '-1'],
    ['RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', 'many'],
    ['HTTP_REQUEST_TIMEOUT_MS', '5'],
  ])('refuses %s=%s by name', (name, value) => {
    expect(() => loadConfig(NO_PROVIDERS, { [name]: value })).toThrow(new RegExp(name));
  });

  it('keeps secrets out of strings, JSON and inspection', () => {
    const config = loadConfig(NO_PROVIDERS, {
      BOOTSTRAP_ADMIN_KEY: 'a'.repeat(40),
      DATABASE_URL: 'postgres://u:pw-123@h/db',
    });
    const printed = [
      String(config.bootstrapAdminKey),
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
    ];
    for (const text of printed) {
      expect(text).not.toContain('a'.repeat(40));
      expect(text).not.toContain('pw-123');
    }
    expect(config.bootstrapAdminKey?.reveal()).toBe('a'.repeat(40));
  });
});
