import type { AuditActor } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
import {
  CredentialIssuer,
  ProviderRegistry,
  type RefreshAnswer,
  RefreshPolicy,
  type RefreshedTokens,
  refreshThrough,
  SecondFactorRequired,
  type TokenProvider,
} from '@keyhouse/providers';
import { CredentialLeases, type LeasedCredential, type LeaseOutcome } from '@keyhouse/vault';
import { Injectable, Logger } from '@nestjs/common';
import { retryAt, retryDelayMs } from './backoff';
import { classifyFailure } from './refresh-failure';
import { RefreshMetrics } from './refresh-metrics';

/** Why a refresh runs: the scheduler found it due, a read found it inside its lead, or an operator asked. */
export type RefreshTrigger = 'schedule' | 'read' | 'admin';

export type RefreshRun =
  | { readonly outcome: 'refreshed' | 'fresh' | 'idle' | 'lease_lost' }
  | { readonly outcome: 'retry' | 'needs_reauth' | 'expired'; readonly code: string };

/** Writes after the upstream answered are retried briefly: losing them can lose a single-use refresh token. */
const WRITE_ATTEMPTS = 4;

/**
 * One refresh of one credential this process holds the lease on. The claimed row is the
 * re-read one (the claim returns it), so a credential another process refreshed meanwhile
 * is seen as fresh and left alone. Every outcome is written under the fencing token.
 */
@Injectable()
export class RefreshExecutor {
  private readonly logger = new Logger('Refresh');

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly leases: CredentialLeases,
    private readonly registry: ProviderRegistry,
    private readonly policy: RefreshPolicy,
    private readonly metrics: RefreshMetrics,
    private readonly issuer: CredentialIssuer,
  ) {}

  async run(
    claim: LeasedCredential,
    trigger: RefreshTrigger,
    actor: AuditActor,
  ): Promise<RefreshRun> {
    const run = await this.attempt(claim, trigger, actor);
    this.metrics.refreshes.inc({
      provider: claim.credential.provider,
      outcome: run.outcome,
      trigger,
    });
    return run;
  }

  private async attempt(
    claim: LeasedCredential,
    trigger: RefreshTrigger,
    actor: AuditActor,
  ): Promise<RefreshRun> {
    const { credential } = claim;
    const now = new Date();
    const provider = this.registry.get(credential.provider);
    const missingAccessToken = credential.encryptedAccessToken === null;
    if (
      trigger === 'read' &&
      !missingAccessToken &&
      !this.policy.accessTokenInsideLead(credential, now)
    ) {
      await this.leases.reschedule(claim, credential.refreshAt);
      return { outcome: 'fresh' };
    }
    if (
      trigger === 'schedule' &&
      !missingAccessToken &&
      !this.policy.keepsAlive(provider.keepAlive, credential, now)
    ) {
      // Read-driven credentials nobody read lately are left to lapse; a read revives them.
      await this.leases.reschedule(claim, null);
      return { outcome: 'idle' };
    }
    if (!provider.isConfigured()) {
      return this.retryLater(claim, 'provider_not_configured', now, actor);
    }
    if (!provider.canRefresh(credential, now)) {
      if (!credential.expiresAt || credential.expiresAt <= now) {
        await this.leases.markExpired(claim, 'cannot_refresh', actor);
        return { outcome: 'expired', code: 'cannot_refresh' };
      }
      // Still valid but not refreshable: look again when it expires.
      await this.leases.reschedule(claim, credential.expiresAt);
      return { outcome: 'idle' };
    }
    let tokens: RefreshAnswer;
    try {
      tokens = await refreshThrough(provider, {
        credential,
        secrets: await this.leases.openSecrets(claim),
        now,
      });
    } catch (error) {
      const verdict = classifyFailure(error);
      if (verdict.code === 'internal_error') {
        this.logger.error(
          { err: error, credentialId: credential.id.slice(0, 8) },
          'refresh failed unexpectedly',
        );
      }
      const incident = (error as { incident?: unknown }).incident;
      if (typeof incident === 'string') {
        // Our own keys were refused: every credential of this provider is stuck until an operator acts.
        this.logger.error(
          { incident, provider: provider.name, code: verdict.code },
          'configuration incident',
        );
      }
      if (error instanceof SecondFactorRequired) {
        // Not a refused grant yet: keep what the second call needs until the user's code.
        await this.leases.markAwaitingCode(claim, error.interimAccessToken, verdict.code, actor);
        return { outcome: 'needs_reauth', code: verdict.code };
      }
      if (verdict.kind === 'reauth') {
        await this.leases.markNeedsReauth(claim, verdict.code, actor);
        return { outcome: 'needs_reauth', code: verdict.code };
      }
      return this.retryLater(claim, verdict.code, now, actor);
    }
    const written = await this.record(claim, tokens, provider, trigger, actor);
    if (written === 'lease_lost') {
      // Our lease ran out and another process took over: its result stands, ours is dropped.
      this.logger.warn(
        { credentialId: credential.id.slice(0, 8), provider: provider.name },
        'refresh result dropped: lease lost',
      );
      return { outcome: 'lease_lost' };
    }
    return { outcome: 'refreshed' };
  }

  /**
   * Writes an upstream answer under the lease: one credential's new tokens, or the accounts
   * a pending grant's exchange named. Also used for answers obtained outside run() (a refresh
   * completed with the user's one-time code).
   */
  async record(
    claim: LeasedCredential,
    answer: RefreshAnswer,
    provider: TokenProvider,
    trigger: RefreshTrigger,
    actor: AuditActor,
  ): Promise<LeaseOutcome> {
    if ('kind' in answer) {
      return (await this.issuer.settle(provider, claim, answer.accounts, actor)).outcome;
    }
    return this.writeResult(claim, answer, provider, trigger, actor);
  }

  private async writeResult(
    claim: LeasedCredential,
    tokens: RefreshedTokens,
    provider: TokenProvider,
    trigger: RefreshTrigger,
    actor: AuditActor,
  ): Promise<LeaseOutcome> {
    const { credential } = claim;
    const keepsRefreshExpiry = tokens.refreshTokenExpiresInSeconds === undefined;
    const refreshTokenExpiresInSeconds = keepsRefreshExpiry
      ? credential.refreshTokenExpiresInSeconds
      : (tokens.refreshTokenExpiresInSeconds ?? null);
    const refreshAt = this.policy.nextRefreshAt(
      provider.keepAlive,
      {
        obtainedAt: tokens.obtainedAt,
        expiresAt: at(tokens.obtainedAt, tokens.expiresInSeconds),
        expiresInSeconds: tokens.expiresInSeconds,
        refreshTokenExpiresAt: keepsRefreshExpiry
          ? credential.refreshTokenExpiresAt
          : at(tokens.obtainedAt, refreshTokenExpiresInSeconds),
        refreshTokenExpiresInSeconds,
        lastReadAt: trigger === 'read' ? tokens.obtainedAt : credential.lastReadAt,
      },
      tokens.obtainedAt,
    );
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.leases.complete(claim, { ...tokens, refreshAt }, actor);
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS) {
          throw error;
        }
        this.logger.warn(
          { err: error, attempt, credentialId: credential.id.slice(0, 8) },
          'retrying the refresh write',
        );
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  private async retryLater(
    claim: LeasedCredential,
    code: string,
    now: Date,
    actor: AuditActor,
  ): Promise<RefreshRun> {
    const delay = retryDelayMs(claim.credential.attempts + 1, this.config.refresh.retryBaseMs);
    await this.leases.failTransiently(
      claim,
      code,
      retryAt(now, delay, claim.credential.expiresAt),
      actor,
    );
    return { outcome: 'retry', code };
  }
}

function at(start: Date, seconds: number | null): Date | null {
  return seconds === null ? null : new Date(start.getTime() + seconds * 1_000);
}
