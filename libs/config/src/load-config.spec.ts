import { inspect } from 'node:util';
import { ConfigurationError } from './config.errors';
import { loadConfig } from './load-config';
import { Secret } from './secret';

const KEY = `main:${Buffer.alloc(32, 7).toString('base64')}`;

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({ port: 3000, host: '127.0.0.1', bodyLimitBytes: 65_536 });
    expect(config.refresh.enabled).toBe(true);
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toMatch(/\.data$/);
    expect(config.providers.mesh.baseUrl).toBe('https://integration-api.meshconnect.com');
    expect(config.sandbox).toBe(true);
  });

  it('keeps events 30 days, and lets webhooks reach private networks only outside production', () => {
    expect(loadConfig({}).events.retentionDays).toBe(30);
    expect(loadConfig({}).webhooks.allowPrivateNetworks).toBe(true);
    const production = {
      NODE_ENV: 'production',
      VAULT_KEYS: KEY,
      DATABASE_URL: 'postgres://db/x',
    };
    expect(loadConfig(production).webhooks.allowPrivateNetworks).toBe(false);
    expect(
      loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).webhooks
        .allowPrivateNetworks,
    ).toBe(true);
    expect(loadConfig({ EVENT_RETENTION_DAYS: '7' }).events.retentionDays).toBe(7);
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: '0' })).toThrow(/EVENT_RETENTION_DAYS/);
  });

  it('turns the sandbox off by default once any provider is configured', () => {
    const config = loadConfig({ MESH_CLIENT_ID: 'id', MESH_CLIENT_SECRET: 'secret' });
    expect(config.sandbox).toBe(false);
    expect(
      loadConfig({ MESH_CLIENT_ID: 'id', MESH_CLIENT_SECRET: 'secret', SANDBOX: 'true' }).sandbox,
    ).toBe(true);
  });

  it('reports every bad variable by name at once', () => {
    const attempt = () =>
      loadConfig({ PORT: '70000', REFRESH_ENABLED: 'maybe', VAULT_KEYS: 'nope' });
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
    expect(() => loadConfig({ BOOTSTRAP_ADMIN_KEY: 'hunter2-but-short' })).toThrow(
      /BOOTSTRAP_ADMIN_KEY/,
    );
    expect(() => loadConfig({ BOOTSTRAP_ADMIN_KEY: 'hunter2-but-short' })).not.toThrow(/hunter2/);
  });

  it('refuses production without keys or database, or with the sandbox', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/VAULT_KEYS[\s\S]*DATABASE_URL/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        VAULT_KEYS: KEY,
        DATABASE_URL: 'postgres://db/x',
        SANDBOX: 'true',
      }),
    ).toThrow(/SANDBOX/);
    const production = loadConfig({
      NODE_ENV: 'production',
      VAULT_KEYS: KEY,
      DATABASE_URL: 'postgres://db/x',
    });
    expect(production.sandbox).toBe(false);
  });

  it('accepts well-formed vault keys and booleans written either way', () => {
    const config = loadConfig({
      VAULT_KEYS: `${KEY},next:${Buffer.alloc(32, 9).toString('base64')}`,
      REFRESH_ENABLED: '0',
    });
    expect(config.vault.keys).toBeInstanceOf(Secret);
    expect(config.refresh.enabled).toBe(false);
  });

  it('refuses a refresh lease shorter than twice the upstream timeout', () => {
    expect(() => loadConfig({ REFRESH_LEASE_SECONDS: '10', UPSTREAM_TIMEOUT_MS: '6000' })).toThrow(
      /REFRESH_LEASE_SECONDS/,
    );
    expect(
      loadConfig({ REFRESH_LEASE_SECONDS: '12', UPSTREAM_TIMEOUT_MS: '6000' }).refresh.leaseSeconds,
    ).toBe(12);
  });

  it('refuses a refresh lease that cannot cover one upstream call plus the write margin', () => {
    expect(() =>
      loadConfig({
        REFRESH_LEASE_SECONDS: '12',
        UPSTREAM_TIMEOUT_MS: '6000',
        REFRESH_WRITE_MARGIN_MS: '6001',
      }),
    ).toThrow(/REFRESH_WRITE_MARGIN_MS/);
    expect(loadConfig({}).refresh.writeMarginMs).toBe(2_000);
  });

  it('reads the rate limits and the request timeout, with their defaults', () => {
    const defaults = loadConfig({});
    expect(defaults.rateLimit).toEqual({ perMinute: 6_000, authFailuresPerMinute: 30 });
    expect(defaults.http.requestTimeoutMs).toBe(30_000);
    const set = loadConfig({
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
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('keeps secrets out of strings, JSON and inspection', () => {
    const config = loadConfig({
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
