import { randomBytes } from 'node:crypto';
import { systemActor } from '@keyhouse/audit';
import { CredentialVault, type CredentialEntity, type CredentialMetadata } from '@keyhouse/vault';
import type { GatewayHarness } from './gateway-harness';

export interface CredentialSeed {
  readonly team: string;
  readonly userId?: string;
  readonly provider?: string;
  readonly accountKey?: string;
  readonly accessToken?: string | null;
  readonly refreshToken?: string | null;
  readonly expiresInSeconds?: number | null;
  readonly refreshTokenExpiresInSeconds?: number | null;
  readonly obtainedAt?: Date;
  readonly refreshAt?: Date | null;
  readonly metadata?: CredentialMetadata;
}

/** A recognisable, unique fake token, so tests can search logs and dumps for it. */
export function fakeToken(label = 'token'): string {
  return `${label}-${randomBytes(18).toString('base64url')}`;
}

/** Stores a credential through the real vault (encryption, audit), as a provider would. */
export async function seedCredential(
  gateway: GatewayHarness,
  seed: CredentialSeed,
): Promise<CredentialEntity> {
  return gateway.app.get(CredentialVault).store({
    owner: { team: seed.team, userId: seed.userId ?? `user-${randomBytes(4).toString('hex')}` },
    provider: seed.provider ?? 'mesh',
    accountKey: seed.accountKey,
    secrets: {
      accessToken: seed.accessToken === undefined ? fakeToken('access') : seed.accessToken,
      refreshToken: seed.refreshToken === undefined ? fakeToken('refresh') : seed.refreshToken,
    },
    timing: {
      obtainedAt: seed.obtainedAt ?? new Date(),
      expiresInSeconds: seed.expiresInSeconds === undefined ? 3_600 : seed.expiresInSeconds,
      refreshTokenExpiresInSeconds: seed.refreshTokenExpiresInSeconds ?? null,
      refreshAt: seed.refreshAt ?? null,
    },
    metadata: seed.metadata ?? {},
    actor: systemActor('test-seed'),
    action: 'credential.stored',
  });
}

/** Creates an API client for `team` through the admin API and returns its key. */
export async function createClient(
  gateway: GatewayHarness,
  spec: {
    team: string;
    scopes?: string[];
    providers?: string[];
    name?: string;
    maxRole?: string;
    development?: boolean;
  },
): Promise<{ id: string; apiKey: string }> {
  const answer = await gateway.admin.post('/admin/clients', {
    name: spec.name ?? `${spec.team}-client`,
    team: spec.team,
    scopes: spec.scopes ?? ['tokens:issue', 'tokens:read', 'credentials:write'],
    providers: spec.providers ?? ['*'],
    ...(spec.maxRole ? { maxRole: spec.maxRole } : {}),
    ...(spec.development !== undefined ? { development: spec.development } : {}),
  });
  if (answer.status !== 201) {
    throw new Error(`creating a client failed: ${answer.status} ${answer.text}`);
  }
  return { id: answer.body.id, apiKey: answer.body.apiKey };
}
