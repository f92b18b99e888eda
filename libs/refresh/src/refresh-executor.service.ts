import type { AuditActor } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
import {
  CredentialIssuer,
  ProviderRegistry,
  type RefreshAnswer,
  RefreshPolicy,
  type RefreshedTokens,
  canRefresh,
  ProviderIntegrations,
  refreshThrough,
  SecondFactorRequired,
  type TokenProvider,
} from '@keyhouse/providers';
import { CredentialLeases, expiryAfterRefresh, type LeaseOutcome } from '@keyhouse/vault';
import { Injectable, Logger } from '@nestjs/common';
import { retryAt, retryDelayMs } from './backoff';
import type { HeldLease } from './held-lease';
import { LeaseKeeper } from './lease-keeper.service';
import { classifyFailure, lostAnswerAware } from './refresh-failure';
import { RefreshMetrics } from './refresh-metrics';

/** Why a refresh runs: the scheduler found it due, a read found it inside its lead, or an operator asked. */
export type RefreshTrigger = 'schedule' | 'read' | 'admin';

export type RefreshRun =
  | {
      readonly outcome:
        | 'refreshed'
        | 'fresh'
        | 'idle'
        | 'lease_lost'
        // The lease could not cover the call: nothing was presented, the row went back.
        | 'handed_back'
        // The upstream answered but the database stayed away past the lease.
        | 'answer_lost';
    }
  | { readonly outcome: 'retry' | 'needs_reauth' | 'expired'; readonly code: string };

/**
 * One refresh of one credential this process holds the lease on. The claimed row is the
 * re-read one (the claim returns it), so a credential another process refreshed meanwhile
 * is seen as fresh and left alone. Every outcome is written under the fencing token.
 * A grant is presented only while the lease covers the call and its write; once it has
 * been presented, whatever the upstream said is written for as long as the lease holds.
 */
@Injectable()
export class RefreshExecutor {
  private readonly logger = new Logger('Refresh');

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly leases: CredentialLeases,
    private readonly keeper: LeaseKeeper,
    private readonly registry: ProviderRegistry,
    private readonly policy: RefreshPolicy,
    private readonly metrics: RefreshMetrics,
    private readonly issuer: CredentialIssuer,
    private readonly integrations: ProviderIntegrations,
  ) {}

  /**
   * Works `lease` to its end; the lease is finished (no longer extended) when this settles.
   * `onAnswered` is called once the upstream call is over (answer or failure), before its
   * result is written: from then on this run no longer occupies an upstream lane.
   */
  async run(
    lease: HeldLease,
    trigger: RefreshTrigger,
    actor: AuditActor,
    onAnswered: () => void = () => undefined,
  ): Promise<RefreshRun> {
    try {
      const run = await this.attempt(lease, trigger, actor, onAnswered);
      this.metrics.refreshes.inc({ provider: lease.provider, outcome: run.outcome, trigger });
      return run;
    } finally {
      this.keeper.finish(lease);
    }
  }

  private async attempt(
    lease: HeldLease,
    trigger: RefreshTrigger,
    actor: AuditActor,
    onAnswered: () => void,
  ): Promise<RefreshRun> {
    const { claim } = lease;
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
    // The integration it was minted under, with its current keys (a team may have moved on).
    const integration = this.integrations.find(credential);
    if (!integration) {
      await this.retryLater(lease, 'provider_not_configured', now, actor);
      return { outcome: 'retry', code: 'provider_not_configured' };
    }
    if (!canRefresh(provider, credential, now)) {
      if (!credential.expiresAt || credential.expiresAt <= now) {
        await this.leases.markExpired(claim, 'cannot_refresh', actor);
        return { outcome: 'expired', code: 'cannot_refresh' };
      }
      // Still valid but not refreshable: look again when it expires.
      await this.leases.reschedule(claim, credential.expiresAt);
      return { outcome: 'idle' };
    }
    const secrets = await this.leases.openSecrets(claim);
    if (!(await this.keeper.readyToPresent(lease))) {
      await this.keeper.handBack(lease);
      return { outcome: 'handed_back' };
    }
    lease.markPresented();
    let tokens: RefreshAnswer;
    try {
      tokens = await refreshThrough(provider, { credential, secrets, now, integration });
    } catch (error) {
      onAnswered();
      const verdict = lostAnswerAware(classifyFailure(error), claim);
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
      const written =
        error instanceof SecondFactorRequired
          ? // Not a refused grant yet: keep what the second call needs until the user's code.
            await this.keeper.writeWhileHeld(lease, () =>
              this.leases.markAwaitingCode(claim, error.interimAccessToken, verdict.code, actor),
            )
          : verdict.kind === 'reauth'
            ? await this.keeper.writeWhileHeld(lease, () =>
                this.leases.markNeedsReauth(claim, verdict.code, actor),
              )
            : await this.retryLater(lease, verdict.code, now, actor);
      if (written === 'answer_lost' || written === 'lease_lost') {
        // Lost: the row changed hands or state under the lease (taken over, revoked,
        // reconnected), and the verdict was not written over whatever it is now.
        return { outcome: written };
      }
      return verdict.kind === 'reauth'
        ? { outcome: 'needs_reauth', code: verdict.code }
        : { outcome: 'retry', code: verdict.code };
    }
    onAnswered();
    const written = await this.record(lease, tokens, provider, trigger, actor);
    if (written === 'answer_lost') {
      return { outcome: 'answer_lost' };
    }
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
   * Writes an upstream answer under the lease, retried while the lease holds: one
   * credential's new tokens, or the accounts a pending grant's exchange named. Also used for
   * answers obtained outside run() (a refresh completed with the user's one-time code).
   */
  record(
    lease: HeldLease,
    answer: RefreshAnswer,
    provider: TokenProvider,
    trigger: RefreshTrigger,
    actor: AuditActor,
  ): Promise<LeaseOutcome | 'answer_lost'> {
    if ('kind' in answer) {
      return this.keeper.writeWhileHeld(lease, async () => {
        const settled = await this.issuer.settle(provider, lease.claim, answer.accounts, actor);
        return settled.outcome;
      });
    }
    return this.writeResult(lease, answer, provider, trigger, actor);
  }

  private writeResult(
    lease: HeldLease,
    tokens: RefreshedTokens,
    provider: TokenProvider,
    trigger: RefreshTrigger,
    actor: AuditActor,
  ): Promise<LeaseOutcome | 'answer_lost'> {
    const { claim } = lease;
    const { credential } = claim;
    const refreshAt = this.policy.nextRefreshAt(
      provider.keepAlive,
      {
        ...expiryAfterRefresh(credential, tokens),
        lastReadAt: trigger === 'read' ? tokens.obtainedAt : credential.lastReadAt,
      },
      tokens.obtainedAt,
    );
    return this.keeper.writeWhileHeld(lease, () =>
      this.leases.complete(claim, { ...tokens, refreshAt }, actor),
    );
  }

  /** A failure worth retrying: written like an answer, since it may follow a presented grant. */
  private retryLater(
    lease: HeldLease,
    code: string,
    now: Date,
    actor: AuditActor,
  ): Promise<LeaseOutcome | 'answer_lost'> {
    const { claim } = lease;
    const delay = retryDelayMs(claim.credential.attempts + 1, this.config.refresh.retryBaseMs);
    return this.keeper.writeWhileHeld(lease, () =>
      this.leases.failTransiently(
        claim,
        code,
        retryAt(now, delay, claim.credential.expiresAt),
        actor,
      ),
    );
  }
}
