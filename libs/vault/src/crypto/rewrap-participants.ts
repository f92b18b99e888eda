import { Injectable } from '@nestjs/common';

/**
 * Another table whose rows hold data keys wrapped by vault keys (webhook endpoints, ...).
 * Vault rotation re-wraps its rows after the credentials', and the startup check refuses a
 * keyring that no longer holds a key one of its rows needs.
 */
export interface RewrapParticipant {
  /** Plural noun for messages: "webhook endpoints". */
  readonly name: string;
  countByDataKey(): Promise<Map<string, number>>;
  /** Re-wraps up to `limit` rows not under `activeKeyId` (SKIP LOCKED); returns how many. */
  rewrapBatch(activeKeyId: string, limit: number): Promise<number>;
}

/** Where such tables sign up (in their module's constructor, before any init hook runs). */
@Injectable()
export class RewrapParticipants {
  private readonly participants: RewrapParticipant[] = [];

  register(participant: RewrapParticipant): void {
    this.participants.push(participant);
  }

  all(): readonly RewrapParticipant[] {
    return this.participants;
  }
}
