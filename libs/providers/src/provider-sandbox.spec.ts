import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { loadConfig } from '@keyhouse/config';
import { FakeMesh } from '@keyhouse/sandbox';
import { providerVariables } from './provider-registry';
import { type Sandbox, startSandbox } from './provider-sandbox';

describe('startSandbox', () => {
  let sandbox: Sandbox;
  let environment: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ latencyMs: 20 });
    environment = sandbox.environment();
  });
  afterAll(() => sandbox.stop());

  it('gives the gateway exactly its configuration variables, and they validate', () => {
    expect(Object.keys(environment).sort()).toEqual(
      [
        'TPA_STREAM_BASE_URL',
        'TPA_STREAM_ACCESS_KEY',
        'TPA_STREAM_SECRET_KEY',
        'STREAM_CHAT_BASE_URL',
        'STREAM_CHAT_API_KEY',
        'STREAM_CHAT_API_SECRET',
        'MYDATAHELPS_TOKEN_URL',
        'MYDATAHELPS_SERVICE_ACCOUNT',
        'MYDATAHELPS_PRIVATE_KEY',
        'MESH_BASE_URL',
        'MESH_CLIENT_ID',
        'MESH_CLIENT_SECRET',
        'API_STREAM_BASE_URL',
        'API_STREAM_API_KEY',
      ].sort(),
    );
    expect(environment.MYDATAHELPS_TOKEN_URL).toMatch(/\/identityserver\/connect\/token$/);
    const config = loadConfig(providerVariables(), { ...environment, SANDBOX: 'true' });
    expect(config.providers.mesh.baseUrl).toBe(sandbox.fake(FakeMesh).baseUrl);
    expect(Object.values(config.providers).every((provider) => provider.configured)).toBe(true);
    expect(config.providers.mydatahelps.baseUrl).toBe(environment.MYDATAHELPS_TOKEN_URL);
  });

  it('mints every kind of token from the variables alone, with the latency asked for', async () => {
    const json = { 'Content-Type': 'application/json' };
    const started = performance.now();
    const tpa = await fetch(`${environment.TPA_STREAM_BASE_URL}/api/create-connect-token`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        connect_access_key: environment.TPA_STREAM_ACCESS_KEY,
        connect_secret_key: environment.TPA_STREAM_SECRET_KEY,
      }),
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(18);
    expect(tpa.status).toBe(200);

    const serverToken = sign({ server: true }, environment.STREAM_CHAT_API_SECRET);
    const chat = await fetch(
      `${environment.STREAM_CHAT_BASE_URL}/app?api_key=${environment.STREAM_CHAT_API_KEY}`,
      {
        method: 'PATCH',
        headers: { ...json, Authorization: serverToken, 'stream-auth-type': 'jwt' },
        body: JSON.stringify({ revoke_tokens_issued_before: null }),
      },
    );
    expect(chat.status).toBe(200);

    const account = environment.MYDATAHELPS_SERVICE_ACCOUNT;
    const assertion = sign(
      {
        iss: account,
        sub: account,
        aud: environment.MYDATAHELPS_TOKEN_URL,
        exp: Math.floor(Date.now() / 1000) + 300,
        jti: randomUUID(),
      },
      environment.MYDATAHELPS_PRIVATE_KEY,
      { algorithm: 'RS256' },
    );
    const service = await fetch(environment.MYDATAHELPS_TOKEN_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'api',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    });
    expect(service.status).toBe(200);

    const { accountTokens, brokerType } = sandbox.fake(FakeMesh).connectAccount();
    const mesh = await fetch(`${environment.MESH_BASE_URL}/api/v1/token/refresh`, {
      method: 'POST',
      headers: {
        ...json,
        'X-Client-Id': environment.MESH_CLIENT_ID,
        'X-Client-Secret': environment.MESH_CLIENT_SECRET,
      },
      body: JSON.stringify({ refreshToken: accountTokens[0].refreshToken, type: brokerType }),
    });
    expect(mesh.status).toBe(200);

    const live = await fetch(`${environment.API_STREAM_BASE_URL}/live/v2/authentication/token`, {
      method: 'POST',
      headers: { ...json, 'X-API-Key': environment.API_STREAM_API_KEY },
      body: JSON.stringify({ serviceUserId: 'u', role: 'ROLE_HOST' }),
    });
    expect(live.status).toBe(200);
  });

  it('stops every fake', async () => {
    const other = await startSandbox();
    const urls = Object.values(other.environment()).filter((value) => value.startsWith('http'));
    await other.stop();
    for (const url of urls) {
      await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
    }
  });
});
