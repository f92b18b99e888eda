import { AuditService, clientActor } from '@keyhouse/audit';
import { type Caller, RequestError } from '@keyhouse/common';
import { CredentialRepository, CredentialRevocation } from '@keyhouse/vault';
import { Injectable } from '@nestjs/common';
import { ProviderError } from '../provider.errors';
import { ProviderIntegrations } from '../provider-integrations.service';
import type { RevocationResponse } from './dto/stream-chat.dto';
import { STREAM_CHAT } from './stream-chat-answers';
import { StreamChatClient } from './stream-chat.client';

/** A little clock skew between the caller and us is tolerated; more is a mistake. */
const MAX_FUTURE_MS = 60_000;

/** The revocation instant: `before` when given (validated), else now. */
export function revocationInstant(before: string | undefined, now: Date): Date {
  if (before === undefined) {
    return now;
  }
  const instant = new Date(before);
  if (Number.isNaN(instant.getTime())) {
    throw RequestError.invalid([
      { field: 'before', message: 'before must be an ISO 8601 date-time' },
    ]);
  }
  if (instant.getTime() > now.getTime() + MAX_FUTURE_MS) {
    throw RequestError.invalid([
      { field: 'before', message: 'before may be at most a minute in the future' },
    ]);
  }
  return instant;
}

@Injectable()
export class StreamChatRevocationsService {
  constructor(
    private readonly client: StreamChatClient,
    private readonly integrations: ProviderIntegrations,
    private readonly audit: AuditService,
    private readonly credentials: CredentialRepository,
    private readonly revocation: CredentialRevocation,
  ) {}

  /**
   * Revokes at Stream every token of this user issued before `before`, then erases the
   * team's stored token for that user if it is one of them (Stream would refuse it now).
   * It acts on the id Stream knows this team's user by under the team's integration (derived
   * where the app is shared), so another team's user of the same userId is never touched.
   */
  async revoke(caller: Caller, userId: string, before?: string): Promise<RevocationResponse> {
    const instant = revocationInstant(before, new Date());
    const integration = this.integrations.forTeam(caller.team, STREAM_CHAT);
    const upstreamUserId = this.integrations.upstreamUserId(integration, caller.team, userId);
    const event = {
      action: 'credential.revoked',
      actor: clientActor(caller),
      team: caller.team,
      userId,
      provider: STREAM_CHAT,
    } as const;
    try {
      await this.client.revokeUserTokens(integration, upstreamUserId, instant);
    } catch (error) {
      // Written before answering, so the trail is complete when the caller sees the error.
      await this.audit.record({
        ...event,
        outcome: 'failure',
        details: {
          stage: 'upstream',
          code: error instanceof ProviderError ? error.upstreamCode : 'upstream_error',
        },
      });
      throw error;
    }
    await this.audit.record({
      ...event,
      details: { stage: 'upstream', revokedBefore: instant.toISOString() },
    });
    await this.eraseStoredTokens(caller, userId, instant);
    return { userId, upstreamUserId, revokedBefore: instant.toISOString() };
  }

  /** Stream compares whole-second `iat`s, which is what the stored obtained-at holds. */
  private async eraseStoredTokens(caller: Caller, userId: string, instant: Date): Promise<void> {
    const stored = await this.credentials.listLiveForOwner(
      { team: caller.team, userId },
      STREAM_CHAT,
    );
    for (const credential of stored.filter((row) => row.obtainedAt < instant)) {
      await this.revocation.revokeForTeam(caller.team, credential.id, clientActor(caller));
    }
  }
}
