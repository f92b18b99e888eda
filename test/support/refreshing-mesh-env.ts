import type { FakeMesh } from '@keyhouse/sandbox';

/**
 * A gateway's environment for suites that watch the refresh engine work against a fake
 * Mesh: the fake started, and a scheduler that ticks every 100 ms, refreshes inside a 10 s
 * lead and retries after 50 ms, so a short-lived token is refreshed within the test.
 */
export async function refreshingMeshEnv(
  mesh: FakeMesh,
  overrides: Readonly<Record<string, string>> = {},
): Promise<Record<string, string>> {
  return {
    MESH_CLIENT_ID: mesh.clientId,
    MESH_CLIENT_SECRET: mesh.clientSecret,
    MESH_BASE_URL: await mesh.start(),
    REFRESH_ENABLED: 'true',
    REFRESH_INTERVAL_MS: '100',
    REFRESH_MIN_LEAD_SECONDS: '10',
    REFRESH_RETRY_BASE_MS: '50',
    UPSTREAM_TIMEOUT_MS: '400',
    ...overrides,
  };
}
