import type { LeasedCredential } from '@keyhouse/vault';
import { LeaseWindow } from './lease-window';

/**
 * Where the work on a claimed row stands. `presented` matters most: from then on the
 * upstream may have consumed the grant, so the answer must be written, never handed back.
 */
export type LeasePhase = 'claimed' | 'presented' | 'finished';

/** A claim this process is working, with the part of its lease it can count on. */
export class HeldLease {
  readonly window: LeaseWindow;
  private phaseNow: LeasePhase = 'claimed';
  private fenceLost = false;

  constructor(
    readonly claim: LeasedCredential,
    sentAtMs: number,
    leaseMs: number,
  ) {
    this.window = new LeaseWindow(sentAtMs, leaseMs);
  }

  get id(): string {
    return this.claim.credential.id;
  }

  get provider(): string {
    return this.claim.credential.provider;
  }

  get phase(): LeasePhase {
    return this.phaseNow;
  }

  /** Another process took the row over: this one must stop working it. */
  get lost(): boolean {
    return this.fenceLost;
  }

  markPresented(): void {
    this.phaseNow = 'presented';
  }

  markFinished(): void {
    this.phaseNow = 'finished';
  }

  loseFence(): void {
    this.fenceLost = true;
  }
}
