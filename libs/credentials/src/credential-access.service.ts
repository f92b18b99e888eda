import { type AuditActor, AuditService, clientActor } from '@keyhouse/audit';
import { AuthError, AuthErrorCode } from '@keyhouse/auth';
import {
  type Caller,
  mayUseProvider,
  type Page,
  type PagePosition,
  toPage,
} from '@keyhouse/common';
import {
  type AccessToken,
  type CredentialEntity,
  CredentialRepository,
  CredentialRevocation,
  CredentialVault,
  type CredentialView,
  presentCredential,
  type RevokedCredential,
  type TeamCredentialFilters,
  TokenRead,
  UPSTREAM_REVOKER,
  type UpstreamRevoker,
} from '@keyhouse/vault';
import { assertReadableByDevelopmentKey, ProviderError } from '@keyhouse/providers';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';

/**
 * What a team's API client may do with its credentials: always within its team (another
 * team's id is a 404), and within the providers its key is granted (else 403).
 */
@Injectable()
export class CredentialAccess {
  private readonly logger = new Logger('CredentialAccess');

  constructor(
    private readonly credentials: CredentialRepository,
    private readonly vault: CredentialVault,
    private readonly tokenRead: TokenRead,
    private readonly revocation: CredentialRevocation,
    private readonly audit: AuditService,
    @Optional() @Inject(UPSTREAM_REVOKER) private readonly upstream?: UpstreamRevoker,
  ) {}

  async list(
    caller: Caller,
    filters: Omit<TeamCredentialFilters, 'providers'>,
    after: PagePosition | undefined,
    limit: number,
  ): Promise<Page<CredentialView>> {
    const providers = caller.providers.includes('*') ? undefined : caller.providers;
    const rows = await this.credentials.listPageForTeam(
      caller.team,
      { ...filters, providers },
      after,
      limit,
    );
    return toPage(rows, limit, presentCredential);
  }

  async get(caller: Caller, id: string): Promise<CredentialView> {
    return presentCredential(await this.requireOwn(caller, id));
  }

  async readToken(caller: Caller, id: string): Promise<AccessToken> {
    const { credential, token } = await this.tokenRead.read(
      caller.team,
      id,
      clientActor(caller),
      (loaded) => assertMayUse(caller, loaded),
    );
    // Development keys: at most an hour, whoever obtained the token (see development-cap.ts).
    assertReadableByDevelopmentKey(caller, credential.provider, token.expiresAt);
    return token;
  }

  async revoke(caller: Caller, id: string): Promise<void> {
    await this.requireOwn(caller, id);
    await this.revokeUpstream(
      await this.revocation.revokeForTeam(caller.team, id, clientActor(caller)),
      clientActor(caller),
    );
  }

  async revokeUser(caller: Caller, userId: string): Promise<void> {
    const revoked = await this.revocation.revokeUserForTeam(
      caller.team,
      userId,
      clientActor(caller),
    );
    await this.revokeUpstream(revoked, clientActor(caller));
  }

  /** After the local erase: best effort, audited when it fails, never undoing the erase. */
  async revokeUpstream(revoked: readonly RevokedCredential[], actor: AuditActor): Promise<void> {
    const upstream = this.upstream;
    if (!upstream) {
      return;
    }
    await Promise.all(
      revoked.map(async ({ credential, secrets }) => {
        if (!secrets) {
          return;
        }
        try {
          await upstream.revoke(credential, secrets);
        } catch (error) {
          this.logger.warn(
            { err: error, credentialId: credential.id.slice(0, 8) },
            'upstream revocation failed',
          );
          this.audit.recordQuietly({
            action: 'credential.revoked',
            actor,
            outcome: 'failure',
            team: credential.team,
            userId: credential.userId,
            provider: credential.provider,
            credentialId: credential.id,
            details: {
              stage: 'upstream',
              code: upstreamCodeOf(error),
            },
          });
        }
      }),
    );
  }

  private async requireOwn(caller: Caller, id: string): Promise<CredentialEntity> {
    const credential = await this.vault.requireForTeam(caller.team, id);
    assertMayUse(caller, credential);
    return credential;
  }
}

function assertMayUse(caller: Caller, credential: CredentialEntity): void {
  if (!mayUseProvider(caller, credential.provider)) {
    throw new AuthError(
      AuthErrorCode.ProviderNotAllowed,
      `This API key may not use ${credential.provider}`,
    );
  }
}

/** What the upstream said, as the provider classified it (e.g. badRequest, http_503, timeout). */
function upstreamCodeOf(error: unknown): string {
  return error instanceof ProviderError ? error.upstreamCode : 'internal_error';
}
